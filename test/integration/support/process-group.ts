/**
 * Sends `signal` to every process of the group `leader` leads (a child spawned `detached`). Never to group 0:
 * `process.kill(-0)` would signal this process's own group — the test runner and its workers.
 */
export const signalProcessGroup = (leader: number | undefined, signal: NodeJS.Signals): void => {
  if (!leader || leader <= 1) return;
  try {
    process.kill(-leader, signal);
  } catch {
    // The group has already ended.
  }
};
