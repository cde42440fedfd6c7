/**
 * One timer that calls `wake` at a given time: set again for the same time, it is left running; for another,
 * it is moved; for none, it is stopped. Messages wait for their delay with it, so a device that has nothing due
 * holds no timer.
 */
export class WakeUp {
  private timer: NodeJS.Timeout | undefined;
  private atMs = Number.POSITIVE_INFINITY;

  constructor(private readonly wake: () => void) {}

  /** Wakes `inMs` after `nowMs`, or never when undefined. */
  set(nowMs: number, inMs: number | undefined): void {
    if (inMs !== undefined && this.timer && nowMs + inMs === this.atMs) return;
    this.stop();
    if (inMs === undefined) return;
    this.atMs = nowMs + inMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.atMs = Number.POSITIVE_INFINITY;
      this.wake();
    }, inMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.atMs = Number.POSITIVE_INFINITY;
  }
}
