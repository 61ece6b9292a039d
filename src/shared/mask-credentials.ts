/**
 * Masks what could be a credential in a message that leaves the process (a tool's error line): strings that
 * look like API keys, bearer and basic tokens, and the credentials and query of URLs. Used for what a
 * sampling fallback reports, whoever wrote the fallback.
 */
/** Strings that look like API keys (`sk-…`, `gsk_…`, `AIza…`, `xai-…`) and bearer tokens. */
const KEY_LIKE = /\b(?:sk|pk|rk|gsk|xai|key|AIza)[-_][-_A-Za-z0-9]{8,}|\bAIza[-_A-Za-z0-9]{20,}/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;

export function maskUrl(url: string): string {
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

/** `text` with what could be a credential masked: key-like tokens, bearer tokens, URL credentials and queries. */
export function maskCredentials(text: string): string {
  return text
    .replace(/https?:\/\/[^\s"'<>`]+/g, maskUrl)
    .replace(BEARER, '$1 ***')
    .replace(KEY_LIKE, '***');
}
