/**
 * The one mapping from an error to the `isError` result a tool caller sees. The sampling engine applies it
 * to whatever a tool body throws (a tool author's `ToolError` among ours); a tool that words a refusal its own way (a prefix naming the tool, say)
 * calls it itself. Errors that are not ours are left to the SDK, which reports their message as an
 * `isError` result too.
 *
 * Errors about the document itself (empty, not allowed, not text, changed while read) carry their kind in
 * `_meta` (shared/contract.ts), so our CLI can tell bad input from a failed job without reading words.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';

import { TOOL_ERROR_META_KEY, type ToolErrorKind } from '../../shared/contract.js';
import { TextDecodeError } from '../../shared/decode-text.js';
import { DocumentChangedError } from '../documents/chunk-source.js';
import { EmptyDocumentError } from '../documents/map-reduce.js';
import { PathRefusedError } from '../documents/resolve-in-roots.js';
import { RootsUnsupportedError, SamplingRequestError, SamplingUnsupportedError } from '../sampling/sampler.js';
import { StructuredOutputError, ToolLoopError, ToolsUnsupportedError } from '../sampling/with-tools.js';
import { ToolError } from './tool-error.js';

/** An `isError` result with one text; `kind`, when given, goes in `_meta` (see the module comment). */
export function toolFailure(text: string, kind?: ToolErrorKind): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    isError: true,
    ...(kind !== undefined && { _meta: { [TOOL_ERROR_META_KEY]: { kind } } }),
  };
}

/** The kind of an error about the document itself, or undefined for any other error. */
export function documentErrorKind(error: unknown): ToolErrorKind | undefined {
  if (error instanceof DocumentChangedError) return 'document-changed';
  return error instanceof EmptyDocumentError || error instanceof PathRefusedError || error instanceof TextDecodeError
    ? 'invalid-input'
    : undefined;
}

function isOurs(error: unknown): error is Error {
  return (
    error instanceof ToolError ||
    error instanceof SamplingUnsupportedError ||
    error instanceof RootsUnsupportedError ||
    error instanceof SamplingRequestError ||
    error instanceof ToolsUnsupportedError ||
    error instanceof ToolLoopError ||
    error instanceof StructuredOutputError
  );
}

/**
 * The `isError` result for one of our errors (the sampler's, the tool loop's, the document's), its
 * message after `prefix`; undefined for any other error.
 */
export function toolErrorResult(error: unknown, prefix = ''): CallToolResult | undefined {
  const kind = documentErrorKind(error);
  if (kind !== undefined) return toolFailure(`${prefix}${(error as Error).message}`, kind);
  if (isOurs(error)) return toolFailure(`${prefix}${error.message}`);
  return undefined;
}
