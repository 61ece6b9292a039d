/**
 * A failed direct-provider call as the one line a tool caller reads: which provider and model, the HTTP
 * status, and why, never a credential. An auth failure (401/403) says only that the provider refused the
 * operator's credentials (a provider may quote part of the key in its message); any other provider message
 * keeps its first line, with key-like tokens, bearer tokens and the credentials and query of URLs masked.
 */
import { APICallError, LoadAPIKeyError, RetryError } from 'ai';

import { SamplingRequestError } from '../sampling/sampler.js';

/** Where the call went, named in the message. */
export interface DirectWhere {
  provider: string;
  model: string;
  timeoutMs: number;
}

/** Strings that look like API keys (`sk-…`, `gsk_…`, `AIza…`, `xai-…`) and bearer tokens. */
const KEY_LIKE = /\b(?:sk|pk|rk|gsk|xai|key|AIza)[-_][-_A-Za-z0-9]{8,}|\bAIza[-_A-Za-z0-9]{20,}/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;

function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '' && parsed.search === '') return url;
    const query = parsed.search !== '';
    parsed.username = parsed.username === '' && parsed.password === '' ? '' : '***';
    parsed.password = '';
    parsed.search = '';
    return `${parsed.toString()}${query ? '?…' : ''}`;
  } catch {
    return url;
  }
}

/** `text` with what could be a credential masked (see the module comment). */
export function maskCredentials(text: string): string {
  return text
    .replace(/https?:\/\/[^\s"'<>`]+/g, maskUrl)
    .replace(BEARER, '$1 ***')
    .replace(KEY_LIKE, '***');
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
    return `timed out after ${Math.round(where.timeoutMs / 1000)} s`;
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
