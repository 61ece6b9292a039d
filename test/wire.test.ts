/**
 * The wiring helper itself: the Document Assistant and our client on every transport it offers (in
 * memory, the built CLI's `serve` over stdio, Streamable HTTP) and both eras, summarizing a short text
 * with the embedded model; disposing of the wiring closes both ends.
 */
import { describe, expect, it } from 'vitest';

import { testHandler } from './helpers/runtime.js';
import { ERAS, textOf, wire } from './helpers/wire.js';

const DOCUMENT =
  'The harbour of Kestrel handled grain, wool and timber for two centuries. ' +
  'The railway arrived in 1871 and the harbour declined. Today the quays hold a market and a museum.';

describe.each(ERAS)('wire() on the %s era', (era) => {
  it.each(['memory', 'stdio', 'http'] as const)('over %s: a summary, then both ends closed', async (transport) => {
    let url: string | undefined;
    {
      await using wired = await wire({ era, transport, handler: testHandler() });
      expect(wired.client.getProtocolEra()).toBe(era);
      const result = await wired.client.callTool({
        name: 'summarize_document',
        arguments: { document_text: DOCUMENT },
      });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toMatch(/^Summary:\n/);
      expect(wired.url === undefined).toBe(transport !== 'http');
      url = wired.url;
    }
    // The HTTP server no longer listens.
    if (url !== undefined) await expect(fetch(url)).rejects.toThrow();
  });
});
