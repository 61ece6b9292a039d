/**
 * `ToolError`: the way a tool body refuses in words its caller reads. Thrown anywhere in a body served by
 * the sampling engine, it becomes the call's `isError` result (tools/tool-result.ts), which the client's
 * model or user sees; the call itself succeeds at the protocol level.
 */

/**
 * A tool body's failure with a message for the caller: the engine turns it into
 * `{ content: [{ type: 'text', text: message }], isError: true }`.
 *
 * @example
 * ```ts
 * engine.registerTool(server, 'translate', { inputSchema }, async ({ text, to }, sampler) => {
 *   if (!SUPPORTED.has(to)) throw new ToolError(`translate: unsupported language ${to}; use one of ${[...SUPPORTED].join(', ')}`);
 *   // …
 * });
 * ```
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}
