import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { it, expect } from 'vitest';
import { createDocumentAssistant } from '../src/server/create-server.js';

for (const mode of ['legacy', 'auto'] as const) {
  it('works ' + mode, async () => {
    const [ct, st] = InMemoryTransport.createLinkedPair();
    const h = serveStdio(createDocumentAssistant(), { transport: st });
    const client = new Client({ name: 't', version: '1' }, { capabilities: { sampling: {} }, versionNegotiation: { mode } });
    const seen: unknown[] = [];
    client.setRequestHandler('sampling/createMessage', async (req) => {
      seen.push(req.params);
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'short' }, stopReason: 'endTurn' };
    });
    await client.connect(ct);
    console.log(mode, client.getProtocolEra());
    const r = await client.callTool({ name: 'summarize_document', arguments: { document_text: 'Hello world. This is it.' } });
    console.log(JSON.stringify(r), JSON.stringify(seen));
    const noCap = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode } });
    const [c2, s2] = InMemoryTransport.createLinkedPair();
    serveStdio(createDocumentAssistant(), { transport: s2 });
    await noCap.connect(c2);
    const r2 = await noCap.callTool({ name: 'summarize_document', arguments: { document_text: 'Hello world.' } }).catch(e => String(e));
    console.log('nocap', JSON.stringify(r2));
    await client.close(); await h.close();
    expect(1).toBe(1);
  });
}
