/**
 * Conformance tools that return fixed content, one per content type the suite checks (`tools-call-*`
 * scenarios): text, image, audio, an embedded resource, all of them mixed, and a tool that always fails.
 * They take no arguments and touch nothing.
 */
import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';

import { RED_PIXEL_PNG_BASE64, SILENT_WAV_BASE64 } from './fixtures.js';

/** What `test_error_handling` throws; the SDK turns it into an `isError` result the caller can read. */
export const CONFORMANCE_ERROR_MESSAGE = 'This tool intentionally returns an error for testing';

const FIXED_RESULTS: Record<string, { description: string; result: CallToolResult }> = {
  test_simple_text: {
    description: 'Returns one text block (conformance: tools-call-simple-text).',
    result: { content: [{ type: 'text', text: 'This is a simple text response for testing.' }] },
  },
  test_image_content: {
    description: 'Returns a 1x1 PNG image (conformance: tools-call-image).',
    result: { content: [{ type: 'image', data: RED_PIXEL_PNG_BASE64, mimeType: 'image/png' }] },
  },
  test_audio_content: {
    description: 'Returns a tiny WAV clip (conformance: tools-call-audio).',
    result: { content: [{ type: 'audio', data: SILENT_WAV_BASE64, mimeType: 'audio/wav' }] },
  },
  test_embedded_resource: {
    description: 'Returns an embedded text resource (conformance: tools-call-embedded-resource).',
    result: {
      content: [
        {
          type: 'resource',
          resource: {
            uri: 'test://embedded-resource',
            mimeType: 'text/plain',
            text: 'This is an embedded resource content.',
          },
        },
      ],
    },
  },
  test_multiple_content_types: {
    description: 'Returns text, an image and an embedded resource together (conformance: tools-call-mixed-content).',
    result: {
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: RED_PIXEL_PNG_BASE64, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
          },
        },
      ],
    },
  },
};

export function registerContentTools(server: McpServer): void {
  for (const [name, { description, result }] of Object.entries(FIXED_RESULTS)) {
    server.registerTool(name, { description }, async () => structuredClone(result));
  }
  server.registerTool(
    'test_error_handling',
    { description: 'Always fails, to show how a tool error reaches the caller (conformance: tools-call-error).' },
    async () => {
      throw new Error(CONFORMANCE_ERROR_MESSAGE);
    },
  );
}
