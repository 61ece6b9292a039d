/**
 * The AI SDK (`ai`), loaded on first use. It is about a megabyte of code with its dependencies, and a client
 * whose requests are plain text, answered by the embedded model or a provider's `doGenerate`, never needs
 * it: only a request with tools or media goes through `generateText` (generate-completion.ts), and only a
 * failure after several attempts builds a `RetryError` (retry.ts). Those paths `await loadAiSdk()`; code
 * that runs later on the same path (a tool's lazy input schema, client/map/map-tools.ts) reads
 * `loadedAiSdk()`. The error classes the client checks everywhere come from `@ai-sdk/provider` (small), and
 * a `RetryError` is recognised by its marker, as `RetryError.isInstance` does.
 */
import { createRequire } from 'node:module';

import type * as Ai from 'ai';
import type { RetryError } from 'ai';

type AiSdk = typeof Ai;

let loading: Promise<AiSdk> | undefined;
let loaded: AiSdk | undefined;

/** The AI SDK, imported once (a failed import is tried again on the next call). */
export function loadAiSdk(): Promise<AiSdk> {
  loading ??= import('ai').then(
    (sdk) => (loaded = sdk),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * The AI SDK, synchronously: the one `loadAiSdk` loaded. Our own paths always load it first; a caller that
 * hands the mapped tools to its own `generateText` may get here before, and then gets the SDK's CommonJS
 * build, whose schemas and errors are told apart by `Symbol.for` markers, so they mix with the ESM build's.
 */
export function loadedAiSdk(): AiSdk {
  return loaded ?? (createRequire(import.meta.url)('ai') as AiSdk);
}

/** The marker `RetryError` sets on its instances (`Symbol.for`, so it holds across copies of the SDK). */
const RETRY_ERROR_MARKER = Symbol.for('vercel.ai.error.AI_RetryError');

/** `RetryError.isInstance(error)`, without loading the AI SDK. */
export function isRetryError(error: unknown): error is RetryError {
  return (
    typeof error === 'object' &&
    error !== null &&
    RETRY_ERROR_MARKER in error &&
    (error as Record<symbol, unknown>)[RETRY_ERROR_MARKER] === true
  );
}
