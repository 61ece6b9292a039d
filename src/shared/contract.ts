/**
 * Why a tool of the Document Assistant refused a call, in the `isError` result's `_meta`, so that our CLI
 * can tell bad input (a file that is not text, an empty document: exit code 2) from a failed job (exit
 * code 1) without reading the message's words. Other clients see an ordinary `isError` result.
 */
export const TOOL_ERROR_META_KEY = 'mcp-sampling/error';

/**
 * `invalid-input`: the document or the arguments cannot be used as given (the same call will fail again);
 * `document-changed`: the file changed while it was read (the same call may succeed later).
 */
export type ToolErrorKind = 'invalid-input' | 'document-changed';

/** The kind a result's `_meta` carries, if any. */
export function toolErrorKind(meta: Readonly<Record<string, unknown>> | undefined): ToolErrorKind | undefined {
  const value = meta?.[TOOL_ERROR_META_KEY] as { kind?: unknown } | undefined;
  return value?.kind === 'invalid-input' || value?.kind === 'document-changed' ? value.kind : undefined;
}
