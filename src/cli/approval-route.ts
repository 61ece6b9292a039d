/**
 * Who a CLI process asks when its policy says `approval: "ask"`. With a terminal on both ends, the terminal
 * prompter (loaded on first use: most runs never ask anything). Without one, the dashboard
 * (`mcp-sampling ui`, src/ui/link.ts): each request goes to the running dashboard and waits for the
 * person's decision there; with no dashboard running, the request is denied with one line saying how to
 * start it (it is never started behind the user's back, nor approved). Callers with their own way to ask
 * pass their prompter to `openClientSession` instead.
 */
import type { Prompter } from '../client/index.js';
import { createDashboardPrompter, type ApprovalWays, type DashboardPrompter } from '../ui/link.js';

export interface ApprovalRouteOptions {
  /** A terminal on both stdin and stderr. */
  interactive: boolean;
  /** How the dashboard names this process (default: its command line). */
  label?: string | undefined;
  /** `timeouts.approvalMs`, shown by the dashboard as a countdown (default: the config's default). */
  approvalMs?: number | undefined;
  /** The config file this process loaded ("always / never for this server" writes there). */
  configFile?: string | undefined;
  /**
   * Register with the dashboard at once (when the policy has `ask` somewhere), so that the page lists the
   * process from its start; otherwise it registers on its first approval.
   */
  register?: boolean | undefined;
  /**
   * Why nobody but the dashboard can be asked, and the other ways to enable approval: the one-line refusal
   * with no dashboard names them (default: no terminal, and only the dashboard).
   */
  ways?: ApprovalWays | undefined;
}

/** The prompter for this process: the terminal, or the dashboard when there is no terminal. */
export function approvalPrompter(options: ApprovalRouteOptions): Prompter | undefined {
  if (!options.interactive) {
    const dashboard = createDashboardPrompter({
      label: options.label,
      approvalMs: options.approvalMs,
      configFile: options.configFile,
      ways: options.ways,
    });
    if (options.register === true) dashboard.connect();
    return dashboard;
  }
  let terminal: Promise<Prompter> | undefined;
  const load = () => (terminal ??= import('./terminal-prompter.js').then((m) => m.createTerminalPrompter()));
  return {
    reviewRequest: async (view, signal) => (await load()).reviewRequest(view, signal),
    reviewCompletion: async (view, signal) => (await load()).reviewCompletion(view, signal),
  };
}

/** The dashboard link behind a prompter from `approvalPrompter`, if it is one (to report usage, to leave). */
export function dashboardLinkOf(prompter: Prompter | undefined): DashboardPrompter | undefined {
  return prompter !== undefined && 'reportUsage' in prompter ? (prompter as DashboardPrompter) : undefined;
}
