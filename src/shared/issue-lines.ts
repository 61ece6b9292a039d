/**
 * Validation problems as a person reads them: one line per problem (`path: what is wrong`), never a JSON
 * dump of schema issues. Used for the client's config, our tools' arguments, and messages from the MCP
 * SDK that embed zod's issue list (`Invalid result for initialize: [ { "code": … } ]`), which are rewritten
 * into the same lines. Knows no schema library: an issue is anything with a `message` and a `path`.
 */

/** The fields of a schema issue this module reads (zod's issues and Standard Schema issues fit). */
export interface IssueLike {
  readonly message: string;
  readonly path?: readonly unknown[] | undefined;
  readonly code?: string | undefined;
  readonly keys?: readonly string[] | undefined;
}

function pathText(path: readonly unknown[] | undefined): string {
  if (path === undefined || path.length === 0) return '';
  return path
    .map((part) =>
      typeof part === 'object' && part !== null && 'key' in part
        ? String((part as { key: unknown }).key)
        : String(part),
    )
    .join('.');
}

/** zod's wording made shorter: "Invalid input: expected string, received undefined" -> "missing (expected string)". */
function messageText(message: string): string {
  const missing = /^Invalid input: expected (.+), received undefined$/.exec(message);
  if (missing !== null) return `missing (expected ${missing[1]})`;
  return message
    .replace(/^Invalid (input|option): /, '')
    .replace(/^Too (small|big): expected (\w+) to be /, 'must be ');
}

/** One line for one issue: `servers.*.maxTokens: must be >0`, or `top level: unknown key 'foo'`. */
export function issueLine(issue: IssueLike): string {
  const where = pathText(issue.path);
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
    const keys = issue.keys.map((key) => `'${key}'`).join(', ');
    return `${where === '' ? 'top level' : where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  const text = messageText(issue.message);
  return where === '' ? text : `${where}: ${text}`;
}

/**
 * `head: problem` for one problem; `head (n problems):` and one indented line per problem otherwise. Each
 * problem stays on its own line, so a person (or `grep`) sees every one.
 */
export function formatProblems(head: string, problems: readonly string[]): string {
  if (problems.length === 0) return head;
  if (problems.length === 1) return `${head}: ${problems[0]}`;
  return `${head} (${problems.length} problems):\n${problems.map((problem) => `  ${problem}`).join('\n')}`;
}

function isIssueList(value: unknown): value is IssueLike[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as { message?: unknown }).message === 'string' &&
        Array.isArray((item as { path?: unknown }).path),
    )
  );
}

/**
 * The issues to show: a union that matched no branch (`invalid_union`, with each branch's issues in
 * `errors`) is replaced by the issues of the branch that came closest (the fewest issues), with the
 * union's path in front; that is usually the shape that was meant.
 */
export function flattenIssues(issues: readonly IssueLike[], prefix: readonly unknown[] = []): IssueLike[] {
  return issues.flatMap((issue): IssueLike[] => {
    const path = [...prefix, ...(issue.path ?? [])];
    const branches = (issue as { errors?: unknown }).errors;
    if (issue.code === 'invalid_union' && Array.isArray(branches)) {
      const candidates = branches.filter(isIssueList);
      const closest = candidates.reduce<IssueLike[] | undefined>(
        (best, branch) => (best === undefined || branch.length < best.length ? branch : best),
        undefined,
      );
      if (closest !== undefined) return flattenIssues(closest, path);
    }
    return [{ ...issue, path }];
  });
}

/** A message that ends in a JSON list of schema issues, split into what came before it and the issues. */
export function parseIssueDump(message: string): { head: string; problems: string[] } | undefined {
  const start = message.search(/\[\s*\{/);
  if (start < 0) return undefined;
  let issues: unknown;
  try {
    issues = JSON.parse(message.slice(start));
  } catch {
    return undefined;
  }
  if (!isIssueList(issues)) return undefined;
  const head = message
    .slice(0, start)
    .replace(/[\s:]+$/, '')
    .trim();
  return { head, problems: [...new Set(flattenIssues(issues).map(issueLine))] };
}

/**
 * Rewrites a message that ends in a JSON list of schema issues (how the SDK reports an invalid message:
 * `Invalid sampling result: [\n  {\n    "expected": …`) into `formatProblems` lines. A message without
 * such a list comes back unchanged.
 */
export function rewriteIssueDump(message: string): string {
  const dump = parseIssueDump(message);
  return dump === undefined ? message : formatProblems(dump.head === '' ? 'invalid message' : dump.head, dump.problems);
}

/**
 * The problems of a value that goes into one line of a larger message (a refused sampling answer, say):
 * the first `max` as `path: problem`, joined with `; `, and how many more there are.
 */
export function issuesInOneLine(issues: readonly IssueLike[], max = 3): string {
  const lines = [...new Set(flattenIssues(issues).map(issueLine))];
  if (lines.length === 0) return 'invalid value';
  const more = lines.length > max ? ` (and ${lines.length - max} more)` : '';
  return lines.slice(0, max).join('; ') + more;
}
