/**
 * `mcp-sampling auth login <url>`, `auth logout <url>`, `auth status`: the OAuth sign-ins kept per HTTP
 * server. Their options here; the work (src/cli/auth-command.ts) is loaded when a command runs.
 */
import { Option, type Command } from 'commander';

import { configOption, jsonOption } from '../options.js';
import { fail } from '../output.js';

export function register(program: Command): void {
  const auth = program
    .command('auth')
    .description('OAuth sign-ins to HTTP servers, kept per server in ~/.mcp-sampling/oauth/ (mode 0600)');
  auth
    .command('login')
    .description('sign in to <url> in the browser (authorization code with PKCE, loopback redirect)')
    .argument('<url>', "the MCP server's URL, e.g. https://mcp.example.com/mcp")
    .addOption(configOption('configuration file (its oauth settings)'))
    .addOption(new Option('--scope <scopes...>', 'scopes to ask for instead of the ones the server names'))
    .addOption(new Option('--no-browser', 'print the sign-in URL instead of opening the browser'))
    .addOption(jsonOption())
    .action(async (url: string, opts: { config?: string; scope?: string[]; browser: boolean; json: boolean }) => {
      try {
        const { authLogin } = await import('../auth-command.js');
        await authLogin(url, opts);
      } catch (error) {
        fail(error, { json: opts.json, verbose: false });
      }
    });
  auth
    .command('logout')
    .description('delete the stored tokens and client registration for <url>')
    .argument('<url>', "the MCP server's URL")
    .addOption(jsonOption())
    .action(async (url: string, opts: { json: boolean }) => {
      try {
        const { authLogout } = await import('../auth-command.js');
        await authLogout(url, opts);
      } catch (error) {
        fail(error, { json: opts.json, verbose: false });
      }
    });
  auth
    .command('status')
    .description('the servers with stored tokens: expiry and scopes (never the tokens)')
    .addOption(jsonOption())
    .action(async (opts: { json: boolean }) => {
      try {
        const { authStatus } = await import('../auth-command.js');
        await authStatus(opts);
      } catch (error) {
        fail(error, { json: opts.json, verbose: false });
      }
    });
}
