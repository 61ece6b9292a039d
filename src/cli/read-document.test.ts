import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { checkDocument, DocumentChangedError, DocumentReadError, readDocumentFile } from './read-document.js';

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mcp-sampling-read-')), 'notes.txt');
  writeFileSync(path, content);
  return path;
}

const TEXT = 'Street trees cool the air. '.repeat(4000);

describe('checkDocument', () => {
  it.each([
    ['Latin-1', Buffer.from('Caf\u00e9 au lait.', 'latin1'), /not valid UTF-8 .*Latin-1 or Windows-1252/],
    ['UTF-32 with BOM', Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), /is UTF-32LE text .* not supported/],
    ['UTF-16 without BOM', Buffer.from('Hi there', 'utf16le'), /looks like UTF-16LE without a byte order mark/],
  ])('refuses %s before any server starts, in one line', async (_what, content, message) => {
    const error = await checkDocument(file(content), 'notes.txt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentReadError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('lets invalid UTF-8 through with --lossy (the server replaces it)', async () => {
    const content = Buffer.from('Caf\u00e9 au lait.', 'latin1');
    const path = file(content);
    await expect(checkDocument(path, 'notes.txt', { lossy: true })).resolves.toMatchObject({ bytes: content.length });
  });
});

describe('readDocumentFile (--server: the CLI sends the text)', () => {
  it('reads the file it checked', async () => {
    const path = file(TEXT);
    const checked = await checkDocument(path, 'notes.txt');
    expect((await readDocumentFile(path, 'notes.txt', checked)).toString('utf8')).toBe(TEXT);
  });

  it.each([
    ['truncated', (path: string) => truncateSync(path, 100), /its size went from \d+ to 100 bytes/],
    ['appended to', (path: string) => appendFileSync(path, 'More.'), /its size went from/],
    [
      'replaced by another file',
      (path: string) => {
        writeFileSync(`${path}.new`, TEXT);
        renameSync(`${path}.new`, path);
      },
      /it was replaced by another file/,
    ],
  ])('refuses a file %s after it was checked: "the file changed while it was read"', async (_what, change, why) => {
    const path = file(TEXT);
    const checked = await checkDocument(path, 'notes.txt');
    change(path);
    const error = await readDocumentFile(path, 'notes.txt', checked).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentChangedError);
    expect((error as Error).message).toMatch(/^notes\.txt: the file changed while it was read \(/);
    expect((error as Error).message).toMatch(why);
  });
});
