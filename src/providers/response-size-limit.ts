/**
 * A cap on the size of a provider's HTTP response (`limits.maxResponseBytes`). The AI SDK providers read
 * the whole body before parsing it, so a misbehaving endpoint answering with hundreds of MB would take the
 * client to gigabytes of memory. The provider's `fetch` is wrapped: the body is counted as it streams and
 * cut off past the limit with a ProviderResponseTooLargeError, which retries and fallbacks treat as final
 * (the same endpoint would send the same body again).
 */

import { ProviderResponseTooLargeError } from './errors.js';

/**
 * `fetchImpl`, with every response body limited to `maxBytes`: a declared `content-length` above the
 * limit fails at once; otherwise the body fails as soon as the bytes read pass the limit, and the
 * connection is released (the rest is never downloaded).
 */
export function limitResponseSize(fetchImpl: typeof fetch, provider: string, maxBytes: number): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new ProviderResponseTooLargeError(provider, maxBytes);
    }
    if (response.body === null) return response;
    let received = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          received += chunk.byteLength;
          // Erroring the stream cancels the source: the rest of the body is not read.
          if (received > maxBytes) controller.error(new ProviderResponseTooLargeError(provider, maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
