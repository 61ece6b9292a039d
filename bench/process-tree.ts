/**
 * Memory of a whole process tree, sampled from Linux's /proc: every few milliseconds, the resident set
 * (VmRSS) of a root process and of all its descendants is summed, and the largest sum and the largest
 * single process are kept. For benchmarks of commands that spawn helpers (the CLI spawns its server).
 *
 * /proc/<pid>/task/<tid>/children is not available on every kernel, so descendants are found from the
 * parent pid of every process: each new pid in /proc is read once, and only the tree's own processes are
 * read on every tick, so a tick costs one directory listing and a few small reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One process that belonged to the tree at some sample. Times are ms since the watch started. */
export interface TreeProcess {
  pid: number;
  ppid: number;
  /** The command line, arguments joined by spaces (empty if the process was gone before it was read). */
  command: string;
  firstSeenMs: number;
  lastSeenMs: number;
  peakRssBytes: number;
}

export interface TreePeak {
  /** The largest sum of the tree's RSS at one sample. */
  peakTreeBytes: number;
  /** The largest RSS of a single process of the tree, at any sample. */
  peakProcessBytes: number;
  /** When the largest sum was seen, ms since the watch started. */
  peakAtMs: number;
  samples: number;
  /** Every process seen in the tree, in the order first seen. */
  processes: TreeProcess[];
}

export interface TreeWatch {
  /** Takes a last sample and stops. */
  stop(): TreePeak;
}

export interface WatchOptions {
  /** Sampling period, ms (default 10). Peaks shorter than this can be missed. */
  intervalMs?: number;
  /** Leave the root itself out of the sums (when it is a wrapper such as /usr/bin/time). */
  excludeRoot?: boolean;
}

/** True where this module can work: Linux, with /proc mounted. */
export function canWatchProcessTree(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    readFileSync(`/proc/${process.pid}/status`, 'latin1');
    return true;
  } catch {
    return false;
  }
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined; // the process has exited in between: not an error
  }
};

/** A field of /proc/<pid>/status, e.g. "PPid" or "VmRSS" ("VmRSS:\t  51200 kB"). */
function statusField(status: string, name: string): number | undefined {
  const at = status.indexOf(`\n${name}:`);
  if (at < 0) return undefined;
  const value = Number.parseInt(status.slice(at + name.length + 2).trimStart(), 10);
  return Number.isNaN(value) ? undefined : value;
}

/** RSS in bytes; 0 for a zombie (it has no VmRSS line) or a process that has just gone. */
const rssBytes = (pid: number): number => {
  const status = read(`/proc/${pid}/status`);
  return status === undefined ? 0 : (statusField(status, 'VmRSS') ?? 0) * 1024;
};

const commandLine = (pid: number): string => (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();

/**
 * Starts sampling the tree under `rootPid` at once and then every `intervalMs`. The caller stops it when
 * the root has exited (a last sample is taken then; by that time the tree is usually gone).
 */
export function watchProcessTree(rootPid: number, options: WatchOptions = {}): TreeWatch {
  const intervalMs = options.intervalMs ?? 10;
  const started = performance.now();
  /** Parent of every pid read so far; a pid's parent is fixed at fork (reparenting only happens on exit). */
  const parents = new Map<number, number>();
  const tree = new Map<number, TreeProcess>();
  let peakTreeBytes = 0;
  let peakProcessBytes = 0;
  let peakAtMs = 0;
  let samples = 0;

  const sample = () => {
    const now = performance.now() - started;
    samples++;
    let listing: string[];
    try {
      listing = readdirSync('/proc');
    } catch {
      return;
    }
    const children = new Map<number, number[]>();
    for (const name of listing) {
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      let ppid = parents.get(pid);
      if (ppid === undefined) {
        const status = read(`/proc/${pid}/status`);
        ppid = status === undefined ? undefined : statusField(status, 'PPid');
        if (ppid === undefined) continue;
        parents.set(pid, ppid);
      }
      const siblings = children.get(ppid);
      if (siblings === undefined) children.set(ppid, [pid]);
      else siblings.push(pid);
    }
    // Walk down from the root. A descendant whose parent has exited is reparented away and drops out of the
    // tree here; for the CLI that only happens after its own exit.
    const members: number[] = [];
    const queue = [rootPid];
    while (queue.length > 0) {
      const pid = queue.pop()!;
      members.push(pid);
      queue.push(...(children.get(pid) ?? []));
    }
    let sum = 0;
    for (const pid of members) {
      if (pid === rootPid && options.excludeRoot === true) continue;
      const bytes = rssBytes(pid);
      sum += bytes;
      peakProcessBytes = Math.max(peakProcessBytes, bytes);
      let known = tree.get(pid);
      if (known === undefined) {
        known = { pid, ppid: parents.get(pid) ?? 0, command: '', firstSeenMs: now, lastSeenMs: now, peakRssBytes: 0 };
        tree.set(pid, known);
      }
      // Read again while the process is young: just after fork it still shows its parent's command line.
      if (now - known.firstSeenMs < 50 || known.command === '') known.command = commandLine(pid) || known.command;
      if (bytes > 0) known.lastSeenMs = now;
      known.peakRssBytes = Math.max(known.peakRssBytes, bytes);
    }
    if (sum > peakTreeBytes) {
      peakTreeBytes = sum;
      peakAtMs = now;
    }
  };

  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakTreeBytes, peakProcessBytes, peakAtMs, samples, processes: [...tree.values()] };
    },
  };
}
