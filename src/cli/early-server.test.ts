/**
 * The early server's environment is the one the connection gives its server (else it would never be
 * adopted): the SDK's inherited defaults, no credential-like name, the server-side settings passed on.
 */
import { expect, it } from 'vitest';

import { serverEnvironment } from '../client/connect/stdio.js';
import { earlyServerEnvironment } from './early-server.js';

it("the early environment is the connection's, and keeps out what the connection keeps out", () => {
  expect(earlyServerEnvironment()).toEqual(serverEnvironment());
  const base = {
    PATH: '/bin',
    HOME: '/h',
    SHELL: '() { :; }',
    USER_TOKEN: 'x',
    OPENAI_API_KEY: 'sk-x',
    NODE_OPTIONS: '--x',
    MCP_SAMPLING_STATE_KEY: 'k',
    OTHER: 'y',
  };
  // The SDK's POSIX defaults (an exported shell function left out), then the passed-on settings.
  expect(earlyServerEnvironment(base)).toEqual({
    PATH: '/bin',
    HOME: '/h',
    NODE_OPTIONS: '--x',
    MCP_SAMPLING_STATE_KEY: 'k',
  });
});
