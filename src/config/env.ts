/**
 * The client's environment: `process.env` plus a `.env` file in the working directory (real environment
 * variables win, as with dotenv). Parsed with Node's own `util.parseEnv`; nothing is written back into
 * `process.env`, so nothing from `.env` can leak into a spawned server's environment by accident.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

export type Env = Readonly<Record<string, string | undefined>>;

export function loadClientEnv(cwd: string = process.cwd(), base: NodeJS.ProcessEnv = process.env): Env {
  let fromFile: Record<string, string> = {};
  const file = join(cwd, '.env');
  try {
    fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { ...fromFile, ...base };
}
