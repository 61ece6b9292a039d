/**
 * Checks shared by `serveStdio` and `serveHttp`: the server factory is a function, and what it builds is
 * a server. A bad factory fails at once (or at the first connection, for what it returns) with one line.
 */
import type { McpServer } from '@modelcontextprotocol/server';

/** The factory, checked now, and wrapped so that a call returning something else fails with one line. */
export function checkedFactory(where: string, factory: unknown): () => McpServer {
  if (typeof factory !== 'function') {
    throw new TypeError(
      `${where}: the first argument must be a function that returns an McpServer (got ${factory === null ? 'null' : typeof factory})`,
    );
  }
  return () => {
    const server: unknown = (factory as () => unknown)();
    if (typeof (server as McpServer | null)?.connect !== 'function') {
      throw new TypeError(`${where}: the factory must return an McpServer (it returned ${typeof server})`);
    }
    return server as McpServer;
  };
}
