/**
 * A failed direct-provider call as the one line a tool caller reads: which provider and model, the HTTP
 * status, and why, never a credential. An auth failure (401/403) says only that the provider refused the
 * operator's credentials (a provider may quote part of the key in its message); any other provider message
 * keeps its first line, with key-like tokens, bearer tokens and the credentials and query of URLs masked.
 */
import { APICallError, LoadAPIKeyError, RetryError } from 'ai';

import { maskCredentials, maskUrl } from '../shared/mask-credentials.js';
import { SamplingRequestError } from '../server/sampling/sampler.js';

export { maskCredentials };

/** Where the call went, named in the message. */
export interface DirectWhere {
  provider: string;
  model: string;
  timeoutMs: number;
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function describe(error: unknown, where: DirectWhere): string {
  const attempts = RetryError.isInstance(error) ? ` (after ${error.errors.length} attempts)` : '';
  const last = RetryError.isInstance(error) ? (error.lastError ?? error) : error;
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    if (status === 401 || status === 403) {
      return `HTTP ${status}: the provider refused the server operator's credentials (check the key in the server's environment)`;
    }
    const what = status !== undefined ? `HTTP ${status}` : `cannot reach ${maskUrl(last.url)}`;
    return `${what}${attempts}: ${firstLine(maskCredentials(last.message))}`;
  }
  if (LoadAPIKeyError.isInstance(last)) {
    return `no API key in the server's environment: ${firstLine(maskCredentials(last.message))}`;
  }
  if (last instanceof Error && last.name === 'TimeoutError') {
    const after = where.timeoutMs < 1000 ? `${where.timeoutMs} ms` : `${Math.round(where.timeoutMs / 1000)} s`;
    return `timed out after ${after}`;
  }
  const message = last instanceof Error ? last.message : String(last);
  return firstLine(maskCredentials(message));
}

/** The `SamplingRequestError` for a failed direct call: `direct sampling (<provider> <model>): <why>`. */
export function toDirectError(error: unknown, where: DirectWhere): SamplingRequestError {
  return new SamplingRequestError(
    `direct sampling (${where.provider} ${where.model}): ${describe(error, where)}`,
    undefined,
    {
      cause: error,
    },
  );
}
