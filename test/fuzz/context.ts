import type { SeededRandom } from '../../producers/random.ts';

/** What a record maker is given: the seeded draws, the run, and the record's place among its kind. */
export interface Context {
  readonly r: SeededRandom;
  readonly runId: string;
  readonly nowMs: number;
  /** Ordinal of the record within its kind (or among the valid ones). */
  readonly n: number;
}

/** What a malformed record maker returns: JSON text, or raw bytes where text cannot say it. */
export type Shape = string | Uint8Array;

export const isoMs = (ms: number) => new Date(ms).toISOString();

/** An event time in the last two minutes before the run's instant. */
export const recentTime = (ctx: Context) => isoMs(ctx.nowMs - ctx.r.int(0, 120_000));

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** `min` to `max` random letters and digits. */
export const word = (r: SeededRandom, min: number, max: number) => {
  let text = '';
  for (let i = r.int(min, max); i > 0; i--) text += LETTERS[r.int(0, LETTERS.length - 1)];
  return text;
};
