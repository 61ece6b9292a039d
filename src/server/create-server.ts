/**
 * The Document Assistant MCP server: a factory that builds one `McpServer` with its tools. It imports no
 * LLM SDK and reads no provider key; every completion comes from the client through MCP sampling.
 */
import type { McpServer } from '@modelcontextprotocol/server';

import { PACKAGE_VERSION } from '../shared/version.js';
import type { FileAccess } from './documents/file-access.js';
import { createSamplingEngine, type SamplingEngine, type SamplingEngineOptions } from './sampling/engine.js';
import { registerConformanceTools } from './conformance/register-conformance-tools.js';
import { registerAskDocumentTool } from './tools/ask-document.js';
import { registerExtractKeyPointsTool } from './tools/extract-key-points.js';
import { registerSummarizeDocumentTool } from './tools/summarize-document.js';

export const SERVER_NAME = 'document-assistant';
/** The server's `serverInfo.version`: the package's version. */
export const SERVER_VERSION = PACKAGE_VERSION;

export interface DocumentAssistantOptions extends SamplingEngineOptions {
  /**
   * Which files a tool's `path` may name. Required, and decided by the transport: on stdio the client's
   * roots (`clientRootsAccess()`), over HTTP the operator's directories (`allowedDirectoriesAccess`),
   * since a remote client's roots describe its own disk, not this one.
   */
  fileAccess: FileAccess;
  /** Default context window long documents are chunked for. Default 8192 tokens. */
  contextTokens?: number | undefined;
  /**
   * Extra tools beside the real ones. `conformance` adds the tools the official conformance suite calls
   * (`test_sampling`, …); the default list is unchanged without it.
   */
  profile?: 'default' | 'conformance' | undefined;
}

/**
 * Returns a factory for the SDK's entry points (`serveStdio`, `createMcpHandler`): each call builds a fresh
 * server. The sampling engine (and so the requestState key) is shared by all servers of one factory.
 */
export function createDocumentAssistant(options: DocumentAssistantOptions): () => McpServer {
  const { fileAccess } = options;
  const sampling: SamplingEngine = createSamplingEngine(options);
  return () => {
    const server = sampling.createServer(
      { name: SERVER_NAME, version: SERVER_VERSION },
      {
        instructions:
          'Document Assistant: summarize_document summarizes text and ask_document answers questions about a ' +
          'document, with the model of your client (MCP sampling).',
      },
    );
    registerSummarizeDocumentTool(server, sampling, { contextTokens: options.contextTokens, fileAccess });
    registerExtractKeyPointsTool(server, sampling, { contextTokens: options.contextTokens, fileAccess });
    registerAskDocumentTool(server, sampling, { fileAccess });
    if (options.profile === 'conformance') registerConformanceTools(server, sampling);
    return server;
  };
}
