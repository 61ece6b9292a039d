/**
 * The physical floor of B1: one call as two JSON-line round trips over a pipe, with no SDK and no
 * protocol. The client writes `{"id":n,"call":…}`; this process answers `{"id":n,"sample":…}` (the
 * sampling request); the client writes `{"id":n,"answer":…}`; this process answers `{"id":n,"result":…}`.
 * Each line is parsed and serialized like a real message, so what is left is the pipe, the event loop and
 * JSON: what no MCP stack can go below on this machine.
 *
 *   node bench/bare/floor.mjs      reads stdin, writes stdout
 */
import process from 'node:process';

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let newline = buffered.indexOf('\n');
  while (newline !== -1) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    const message = JSON.parse(line);
    const reply =
      message.call !== undefined
        ? {
            id: message.id,
            sample: { messages: [{ role: 'user', content: { type: 'text', text: message.call.text } }] },
          }
        : { id: message.id, result: { content: [{ type: 'text', text: `Summary:\n${message.answer.text}` }] } };
    process.stdout.write(`${JSON.stringify(reply)}\n`);
    newline = buffered.indexOf('\n');
  }
});
process.stdin.on('end', () => process.exit(0));
