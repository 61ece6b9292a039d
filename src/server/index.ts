/**
 * `mcp-sampling/server`: the public API for MCP server authors whose tools need text generated. A tool
 * body gets an era-neutral `Sampler`; the engine serves it to 2025-era clients (pushed requests) and
 * 2026-07-28 clients (input_required rounds) alike. Imports no LLM SDK and reads no key.
 *
 * Everything here is deliberate public API (docs/library.md); what is not exported (the state codec, the
 * era runners, the Document Assistant's tools and file access) may change without notice.
 */
export {
  createSamplingEngine,
  type SamplingEngine,
  type SamplingEngineOptions,
  type SamplingToolConfig,
} from './sampling/engine.js';
export type { SamplingFallback, SamplingFallbackMode } from './sampling/fallback.js';
export { SAMPLED_BY_META_KEY, type SampledByMeta } from '../shared/contract.js';
export {
  resultText,
  RootsUnsupportedError,
  SamplingRequestError,
  SamplingUnsupportedError,
  type Sampler,
  type SamplingResult,
  type SamplingToolBody,
} from './sampling/sampler.js';
export {
  sampleObject,
  sampleWithTools,
  StructuredOutputError,
  ToolLoopError,
  ToolsUnsupportedError,
  type SampleObjectOptions,
  type SampleWithToolsOptions,
  type SampleWithToolsResult,
  type SamplingTool,
  type SamplingParams,
  type ToolCallRecord,
  type ToolOutput,
} from './sampling/with-tools.js';
export { ToolError } from './tools/tool-error.js';
export {
  EmptyDocumentError,
  mapReduceText,
  type MapReduceRequests,
  type MapReduceTextOptions,
  type MapReduceTextResult,
} from './documents/map-reduce.js';
export { serveStdio, type ServeStdioOptions, type StdioServerHandle } from './transports/serve-stdio.js';
export {
  serveHttp,
  type HttpServerHandle,
  type HttpServerStats,
  type ServeHttpOptions,
} from './transports/http/http-server.js';
export type { ServerLog } from './log.js';
export type { VerifyState } from './sampling/verify-state.js';
export type { SamplingBlock } from '../shared/mcp-content.js';
