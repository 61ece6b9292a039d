/**
 * The resources the conformance suite reads (`resources-*` scenarios): a text one, a binary one, a
 * template, and one to subscribe to. Their contents never change, so a subscription is accepted and
 * remembered but no update ever has to be sent.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';

import { RED_PIXEL_PNG_BASE64 } from './fixtures.js';

const WATCHED_URI = 'test://watched-resource';

export function registerConformanceResources(server: McpServer): void {
  server.registerResource(
    'static-text',
    'test://static-text',
    { description: 'A fixed text resource (conformance: resources-read-text).', mimeType: 'text/plain' },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
    }),
  );

  server.registerResource(
    'static-binary',
    'test://static-binary',
    { description: 'A fixed binary resource, a 1x1 PNG (conformance: resources-read-binary).', mimeType: 'image/png' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: RED_PIXEL_PNG_BASE64 }] }),
  );

  server.registerResource(
    'watched-resource',
    WATCHED_URI,
    { description: 'A resource clients may subscribe to (conformance: resources-subscribe).', mimeType: 'text/plain' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This resource does not change.' }] }),
  );

  server.registerResource(
    'template-data',
    new ResourceTemplate('test://template/{id}/data', { list: undefined }),
    {
      description: 'JSON data for any id (conformance: resources-templates-read).',
      mimeType: 'application/json',
    },
    (uri, { id }) => {
      const value = Array.isArray(id) ? id.join(',') : String(id);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'application/json',
            text: JSON.stringify({ id: value, templateTest: true, data: `Data for ID: ${value}` }),
          },
        ],
      };
    },
  );

  // resources/subscribe and resources/unsubscribe (2025 era): accepted for the known resources. Nothing
  // here ever changes, so there is never an update to send; the set only makes unsubscribe truthful.
  const subscribed = new Set<string>();
  server.server.registerCapabilities({ resources: { subscribe: true } });
  server.server.setRequestHandler('resources/subscribe', (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler('resources/unsubscribe', (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
}
