/** The file `summarize` and `ask` run with `serve` to start their own Document Assistant: this CLI. */
import { fileURLToPath } from 'node:url';

export const SERVER_ENTRY = fileURLToPath(new URL('./main.js', import.meta.url));

/** What they spawn: this Node.js running this CLI's `serve`. */
export const OWN_SERVER_COMMAND = process.execPath;
export const OWN_SERVER_ARGS: readonly string[] = [SERVER_ENTRY, 'serve'];
