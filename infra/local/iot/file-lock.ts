import { mkdirSync, rmSync, statSync } from 'node:fs';

/** How long one holder may keep the lock before another takes it as left behind by a crashed process. */
const STALE_AFTER_MS = 30_000;
const RETRY_EVERY_MS = 10;
const MAX_WAIT_MS = 10_000;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `critical` while holding `lockDir` (a directory: mkdir is atomic, across processes too). The registry is
 * changed by the broker's process and by `npm run device -- register --local` at once; without the lock one
 * read-modify-write could drop the other's device. `critical` is synchronous, so the lock is held for
 * milliseconds; a lock older than 30 s was left by a process that died holding it and is taken over.
 */
export const withFileLock = <T>(lockDir: string, critical: () => T): T => {
  const waitedOut = Date.now() + MAX_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const heldSince = statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - heldSince > STALE_AFTER_MS) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > waitedOut) {
        throw new Error(
          `${lockDir} stayed locked for ${MAX_WAIT_MS / 1000}s: another process is changing the device registry; try again, or remove ${lockDir} if no streamlake process runs`,
        );
      } else sleepSync(RETRY_EVERY_MS);
    }
  }
  try {
    return critical();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
};
