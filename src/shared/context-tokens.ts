/**
 * The range of `context_tokens` (the model context a long document is split for), shared by the tools'
 * input schemas and the CLI's `--context-tokens`, so both refuse the same values with the same words.
 */
export const CONTEXT_TOKENS_MIN = 512;
export const CONTEXT_TOKENS_MAX = 10_000_000;

/** "an integer from 512 to 10,000,000": how messages state the range. */
export const CONTEXT_TOKENS_RANGE = `an integer from ${CONTEXT_TOKENS_MIN.toLocaleString('en-US')} to ${CONTEXT_TOKENS_MAX.toLocaleString('en-US')}`;
