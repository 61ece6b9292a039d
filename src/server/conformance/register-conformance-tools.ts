/**
 * The conformance profile (`serve --http --profile conformance`): what the official MCP conformance suite
 * (`@modelcontextprotocol/conformance`, server mode) calls, added beside the real tools. The default profile
 * registers none of it. Every name and fixed text follows the suite's scenario descriptions.
 *
 * - tools: `test_sampling` (through the sampling engine, both eras), fixed content of every type, an
 *   error, logging, progress, a stream-closing call, three elicitations, a JSON Schema 2020-12 schema;
 * - the logging capability (and so `logging/setLevel`);
 * - prompts with argument completion, and resources (text, binary, template, subscribable);
 * - the 2026-07-28 diagnostics: the `input-required-result-*` tools and prompt, and the `server-stateless`
 *   tools (missing capability, streaming elicitation, logging without a log level).
 */
import type { McpServer } from '@modelcontextprotocol/server';

import type { SamplingEngine } from '../sampling/engine.js';
import { registerContentTools } from './content-tools.js';
import { registerConformancePrompts } from './conformance-prompts.js';
import { registerConformanceResources } from './conformance-resources.js';
import { registerElicitationTools } from './elicitation-tools.js';
import { registerInputRequiredTools } from './input-required-tools.js';
import { registerJsonSchemaTool } from './json-schema-tool.js';
import { registerNotificationTools } from './notification-tools.js';
import { registerTestSamplingTool } from './request-sampling.js';
import { registerStatelessTools } from './stateless-tools.js';

export function registerConformanceTools(server: McpServer, sampling: SamplingEngine): void {
  registerTestSamplingTool(server, sampling);
  registerContentTools(server);
  registerNotificationTools(server);
  registerElicitationTools(server);
  registerJsonSchemaTool(server);
  registerConformancePrompts(server);
  registerConformanceResources(server);
  registerInputRequiredTools(server, sampling);
  registerStatelessTools(server);
}
