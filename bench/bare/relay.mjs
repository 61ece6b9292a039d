/**
 * B9's floor: the least a bridge can be. It spawns the upstream and passes every JSON line through in both
 * directions, parsed and serialized again like a real message (a proxy has to read a message to route it),
 * with no SDK, no protocol and no policy. What it adds to a direct call is the extra process, the two extra
 * pipe hops and JSON: what no stdio bridge can go below on this machine.
 *
 *   node bench/bare/relay.mjs <command> [args...]
 */
import { spawn } from 'node:child_process';
import process from 'node:process';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write('usage: node bench/bare/relay.mjs <command> [args...]\n');
  process.exit(2);
}
const upstream = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });

/** Passes each complete line of `from` to `to`, parsed and serialized again. */
function relay(from, to) {
  let buffered = '';
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') to.write(`${JSON.stringify(JSON.parse(line))}\n`);
      newline = buffered.indexOf('\n');
    }
  });
}

relay(process.stdin, upstream.stdin);
relay(upstream.stdout, process.stdout);
process.stdin.on('end', () => upstream.stdin.end());
upstream.on('exit', (code) => process.exit(code ?? 0));
