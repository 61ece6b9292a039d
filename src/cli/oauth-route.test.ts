import { describe, expect, it } from 'vitest';

import { ConfigSchema } from '../config/schema.js';
import { oauthProviderFor, oauthSettingsFor } from './oauth-route.js';

describe('the oauth settings for a server', () => {
  const config = ConfigSchema.parse({
    oauth: {
      '*': { redirectPort: 33418, scopes: ['read'] },
      'https://mcp.example.com/mcp': { clientId: 'pre-registered', scopes: ['docs:read'] },
    },
  });

  it('takes the server entry over the defaults, field by field', () => {
    expect(oauthSettingsFor(config, 'https://mcp.example.com/mcp')).toEqual({
      redirectPort: 33418,
      clientId: 'pre-registered',
      scopes: ['docs:read'],
    });
    expect(oauthSettingsFor(config, 'https://mcp.example.com/mcp#x')).toMatchObject({ clientId: 'pre-registered' });
    expect(oauthSettingsFor(config, 'https://other.example/mcp')).toEqual({ redirectPort: 33418, scopes: ['read'] });
  });

  it('refuses a config whose client secret variable is not set, in one line (exit 2)', async () => {
    const withSecret = ConfigSchema.parse({
      oauth: { 'https://mcp.example.com/mcp': { clientId: 'c', clientSecretEnv: 'DOCS_OAUTH_SECRET' } },
    });
    await expect(
      oauthProviderFor({ serverUrl: 'https://mcp.example.com/mcp', config: withSecret, env: {}, interactive: false }),
    ).rejects.toMatchObject({
      message: 'oauth.clientSecretEnv names DOCS_OAUTH_SECRET, which is not set (in the environment or .env)',
      exitCode: 2,
    });
  });

  it('rejects settings that cannot work', () => {
    expect(ConfigSchema.safeParse({ oauth: { '*': { clientMetadataUrl: 'http://example.com/c.json' } } }).success).toBe(
      false,
    );
    expect(ConfigSchema.safeParse({ oauth: { '*': { clientMetadataUrl: 'https://example.com/' } } }).success).toBe(
      false,
    );
    expect(ConfigSchema.safeParse({ oauth: { '*': { redirectPort: 70000 } } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ oauth: { '*': { scopes: ['two words'] } } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ oauth: { '*': { clientSecret: 'inline' } } }).success).toBe(false);
  });
});
