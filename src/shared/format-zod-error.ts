/**
 * One line from a zod error: `path: what was expected` for the first few issues, instead of zod's JSON dump
 * of every issue. For a union that matched no option, the option that came closest speaks for it.
 */
import type { z } from 'zod';

/** How many issues the line names; the rest are counted. */
const MAX_ISSUES = 3;

type Issue = z.core.$ZodIssue;

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The issues a union's closest option reported (fewest issues; on a tie, the deepest path), with full paths. */
function closest(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  let best: Issue[] | undefined;
  const depth = (issues: Issue[]) => Math.max(...issues.map((i) => i.path.length));
  for (const option of issue.errors) {
    if (option.length === 0) continue;
    if (
      best === undefined ||
      option.length < best.length ||
      (option.length === best.length && depth(option) > depth(best))
    )
      best = option;
  }
  if (best === undefined) return [issue];
  return best.flatMap((inner) => closest({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}

/** zod's messages start with "Invalid input: " where the rest says it better. */
function messageText(issue: Issue): string {
  return issue.message.replace(/^Invalid (input|option): /, '');
}

/**
 * `content.text: expected string, received undefined; model: expected string, received undefined`.
 * Accepts a ZodError or its `issues`.
 */
export function formatZodIssues(error: { issues: readonly Issue[] } | readonly Issue[]): string {
  const issues = ('issues' in error ? error.issues : error).flatMap(closest);
  if (issues.length === 0) return 'invalid value';
  const shown = issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = pathText(issue.path);
    return where === '' ? messageText(issue) : `${where}: ${messageText(issue)}`;
  });
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
  return shown.join('; ') + more;
}
