/**
 * A file that changes while the Document Assistant reads it (here: truncated by the client's model while
 * the second segment is being summarized) is refused with "the file changed while it was read", on both
 * eras, instead of a summary of part of it reported as a success.
 */
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { ERAS, textOf, wire } from './helpers/wire.js';

function longDocument(paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, i) =>
      `Paragraph ${i + 1} reports measurement ${i * 7 + 3} from station ${i % 13}. The readings stayed within range.`,
  ).join('\n\n');
}

describe.each(ERAS)('summarize_document on the %s era', (era) => {
  it('refuses a file truncated while it is read, with the document-changed kind in _meta', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-changes-'));
    const path = join(dir, 'notes.txt');
    writeFileSync(path, longDocument(6000)); // several segments of 64 chunks at context_tokens 1024
    let requests = 0;
    const handler: SamplingHandler = async () => {
      // Request 100 is one of the second segment's (a segment is about 64 chunks): on the 2025 era the third
      // segment is still unread; on the 2026 era the next round resumes from the first segment's checkpoint.
      // (Truncated before any checkpoint, a 2026-era replay reads the new version whole: consistent.)
      if (++requests === 100) truncateSync(path, 2000);
      return { role: 'assistant', model: 'scripted', content: { type: 'text', text: `part ${requests}` } };
    };
    const { client, close } = await wire({ era, handler, roots: [dir] });
    try {
      const result = await client.callTool({
        name: 'summarize_document',
        arguments: { path, context_tokens: 1024 },
      });
      expect(textOf(result)).toMatch(
        /^notes\.txt: the file changed while it was read \(.+\); try again once it stays the same$/,
      );
      expect(result.isError).toBe(true);
      expect(result._meta?.['mcp-sampling/error']).toEqual({ kind: 'document-changed' });
    } finally {
      await close();
    }
  });
});
