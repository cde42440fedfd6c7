import { setTimeout as wait } from 'node:timers/promises';
import type { StreamTruth } from './stream-truth.ts';

/** Often enough that the recount never lags the stream by more than half a minute of records. */
export const CATCH_UP_EVERY_MS = 30_000;

/**
 * Catches the recount up every `everyMs` until `stop` aborts, so that under `npm start --forever` it reads
 * each record well within the stream's retention (24 hours) and the final catch-up is short. A failed
 * catch-up is tried again at the next tick; the caller's final catch-up reports a failure that lasts.
 */
export const keepCaughtUp = async (
  truth: StreamTruth,
  stop: AbortSignal,
  everyMs = CATCH_UP_EVERY_MS,
): Promise<void> => {
  while (!stop.aborted) {
    const slept = await wait(everyMs, true, { signal: stop }).catch(() => false);
    if (!slept) return;
    await truth.catchUp(stop).catch(() => undefined);
  }
};
