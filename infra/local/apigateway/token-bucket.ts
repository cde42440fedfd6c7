import type { ThrottlePlan } from './api-plan.ts';

/**
 * API Gateway's throttle: a bucket of `burstLimit` tokens, refilled at `rateLimit` per second, one token per
 * request. It starts full.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limit: ThrottlePlan,
    nowMs: number,
  ) {
    this.tokens = limit.burstLimit;
    this.refilledAt = nowMs;
  }

  /** Whether a request may pass at `nowMs`. */
  hasToken(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= 1;
  }

  /** Spends a token (after `hasToken` said yes). */
  take(nowMs: number): void {
    this.refill(nowMs);
    this.tokens = Math.max(0, this.tokens - 1);
  }

  private refill(nowMs: number): void {
    const elapsedSeconds = Math.max(0, nowMs - this.refilledAt) / 1000;
    this.tokens = Math.min(this.limit.burstLimit, this.tokens + elapsedSeconds * this.limit.rateLimit);
    this.refilledAt = nowMs;
  }
}
