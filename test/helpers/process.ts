/** Small facts about processes that tests check: whether a pid still runs. */

/** Whether the process `pid` is still running (signal 0 only asks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
