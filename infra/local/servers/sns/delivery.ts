import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../../../processors/shared/errors.ts';

export interface DeliveryPolicy {
  /** Attempts per message, the first included. @default 4 */
  readonly attempts: number;
  /** Delay before the first retry, doubling after each. @default 100 */
  readonly backoffMs: number;
  /** Time one attempt may take. @default 15000 (SNS's own HTTP timeout) */
  readonly timeoutMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 4, backoffMs: 100, timeoutMs: 15_000 };

export interface DeliveryFailure {
  readonly endpoint: string;
  readonly messageType: string;
  readonly attempts: number;
  readonly reason: string;
}

/** One HTTP POST with no connection reuse; resolves with the status code. */
const postOnce = (url: string, headers: Record<string, string>, body: string, timeoutMs: number) =>
  new Promise<number>((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      agent: false,
      timeout: timeoutMs,
      headers: { ...headers, 'Content-Length': Buffer.byteLength(body), Connection: 'close' },
    });
    request.once('response', (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.once('error', reject);
    request.end(body);
  });

/**
 * Deliveries run in the background (Publish answers first, as SNS does); each is retried with
 * doubling backoff until a 2xx answer or the attempts run out. `drain()` awaits all in flight.
 */
export class Deliveries {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  readonly failures: DeliveryFailure[] = [];

  constructor(private readonly policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY) {}

  /** Starts a delivery; `onDelivered` runs after the endpoint answers 2xx. */
  post(url: string, headers: Record<string, string>, body: string, onDelivered?: () => void): void {
    const delivery = this.deliver(url, headers, body, onDelivered);
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(
    url: string,
    headers: Record<string, string>,
    body: string,
    onDelivered?: () => void,
  ) {
    let reason = '';
    let attempt = 0;
    while (attempt < this.policy.attempts && !this.stopping.signal.aborted) {
      if (attempt > 0) {
        const delay = this.policy.backoffMs * 2 ** (attempt - 1);
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        if (this.stopping.signal.aborted) break;
      }
      attempt += 1;
      try {
        const status = await postOnce(url, headers, body, this.policy.timeoutMs);
        if (status >= 200 && status < 300) {
          onDelivered?.();
          return;
        }
        reason = `HTTP ${status}`;
      } catch (error) {
        reason = errorMessage(error);
      }
    }
    const messageType = headers['x-amz-sns-message-type'] ?? 'unknown';
    this.failures.push({
      endpoint: url,
      messageType,
      attempts: attempt,
      reason: reason || 'server stopping',
    });
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Abandons pending retries and waits for attempts under way. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.drain();
  }
}
