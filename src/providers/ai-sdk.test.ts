import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';

import { isRetryError, loadAiSdk, loadedAiSdk } from './ai-sdk.js';

describe('the AI SDK, loaded on first use', () => {
  it('recognises a RetryError by its marker, exactly as RetryError.isInstance does', async () => {
    const { RetryError } = await loadAiSdk();
    const last = new APICallError({ message: 'boom', url: 'http://x', requestBodyValues: {}, statusCode: 500 });
    const retry = new RetryError({ message: 'm', reason: 'maxRetriesExceeded', errors: [last] });
    for (const value of [retry, last, new Error('x'), null, undefined, 'RetryError', { name: 'AI_RetryError' }]) {
      expect(isRetryError(value)).toBe(RetryError.isInstance(value));
    }
    expect(isRetryError(retry)).toBe(true);
    expect(isRetryError(last)).toBe(false);
  });

  it('loads the SDK once, and hands the same module to synchronous readers', async () => {
    const first = await loadAiSdk();
    expect(await loadAiSdk()).toBe(first);
    expect(loadedAiSdk()).toBe(first);
    expect(typeof first.generateText).toBe('function');
  });
});
