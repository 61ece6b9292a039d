/**
 * What `summarize` and `ask` share: the file the user names, checked and turned into the tool's document
 * arguments, and a client session with the Document Assistant (spawned over stdio from this package, or at
 * `--server <url>`).
 */
import { dirname, resolve } from 'node:path';

import type { EraMode } from '../client/connect/era.js';
import { decodeText, TextDecodeError } from '../shared/decode-text.js';
import { openClientSession, type ClientSession } from './client-session.js';
import type { Output } from './output.js';
import { takeEarlyServer } from './early-server.js';
import { checkDocument, DocumentReadError, readDocumentFile, type CheckedDocument } from './read-document.js';
import { OWN_SERVER_ARGS, OWN_SERVER_COMMAND } from './server-entry.js';

export interface DocumentSessionOptions {
  era: EraMode;
  config?: string | undefined;
  lossy?: boolean | undefined;
  /** A Document Assistant already running at this Streamable HTTP URL, instead of spawning one. */
  server?: string | undefined;
}

/**
 * The document as the tool receives it. A spawned server reads the file itself, from the client's roots;
 * a server at a URL may run elsewhere, so it gets the text (decoded here, by the same rules).
 */
async function documentArguments(
  path: string,
  file: string,
  checked: CheckedDocument,
  options: DocumentSessionOptions,
): Promise<{ args: Record<string, unknown>; shown: string }> {
  if (options.server === undefined) return { args: { path }, shown: `path ${path}` };
  const bytes = await readDocumentFile(path, file, checked);
  let decoded;
  try {
    decoded = decodeText(bytes, { name: file, lossy: options.lossy === true });
  } catch (error) {
    if (error instanceof TextDecodeError) throw new DocumentReadError(error.message, { cause: error });
    throw error;
  }
  return {
    args: { document_text: decoded.text },
    shown:
      `document_text, ${decoded.text.length.toLocaleString('en-US')} characters` +
      (decoded.replaced > 0 ? `, ${decoded.replaced} invalid sequences replaced` : ''),
  };
}

/**
 * Checks the file (one line and exit code 2 when it is not a readable text file), prints the `read` step,
 * and connects: to our own server with the file's directory as a root, or to the one at `--server`.
 */
export async function openDocumentSession(
  file: string,
  options: DocumentSessionOptions,
  out: Output,
): Promise<{
  path: string;
  bytes: number;
  document: { args: Record<string, unknown>; shown: string };
  session: ClientSession;
}> {
  const path = resolve(file);
  const checked = await checkDocument(path, file, { lossy: options.lossy });
  const { bytes } = checked;
  const document = await documentArguments(path, file, checked, options);
  out.step('read', `${file} (${bytes.toLocaleString('en-US')} bytes)`);
  const session = await openClientSession({
    target:
      options.server === undefined
        ? // Our own server tolerates the era probe on its one process: no sibling process is spawned for it.
          // The command started it already, if it could (early-server.ts): the connection adopts it.
          {
            kind: 'stdio',
            command: OWN_SERVER_COMMAND,
            args: [...OWN_SERVER_ARGS],
            probeInPlace: true,
            spawned: takeEarlyServer(),
          }
        : { kind: 'http', url: options.server },
    era: options.era,
    config: options.config,
    roots: options.server === undefined ? [dirname(path)] : [],
    out,
  });
  return { path, bytes, document, session };
}
