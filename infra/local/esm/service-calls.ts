import { asError } from '../../../processors/shared/errors.ts';
import type { PollerObserver } from './batch-delivery.ts';
import { retryTransient, type TransientRetry } from './transient-errors.ts';

/** Sends one request of a poller (named e.g. `Kinesis GetRecords`), retrying it through transient failures. */
export type CallService = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

export interface ServiceCallsDependencies {
  readonly observer?: PollerObserver;
  /** Where the start and end of an outage are written, one line each. @default stderr */
  readonly log?: (line: string) => void;
}

/**
 * How long one call fails before the mapping logs an outage. Throttling answered by a retry or two stays
 * quiet (the observer still counts each retry); a server down for seconds is logged once, and once back.
 */
export const OUTAGE_LOG_AFTER_MS = 1_000;

/** The calls of one mapping that have been failing for OUTAGE_LOG_AFTER_MS or longer. */
interface Outage {
  readonly since: number;
  /** The call that showed it first: both lines name it, so they pair up in a log. */
  readonly operation: string;
  calls: number;
}

const toStderr = (line: string) => void process.stderr.write(`${line}\n`);

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

const described = (error: unknown) => {
  const { name, message } = asError(error);
  return `${name}: ${message}`;
};

/**
 * The service calls of one mapping's poller, on every shard: each is retried while it fails transiently
 * (transient-errors.ts), every retry is told to the observer, and an outage is logged when it starts and
 * when the service answers again.
 */
export class ServiceCalls {
  private outage: Outage | undefined;

  constructor(
    private readonly mappingId: string,
    private readonly deps: ServiceCallsDependencies,
  ) {}

  /** Calls made with `signal`: an abort stops a call waiting to retry with RetryStopped. */
  bound(signal: AbortSignal): CallService {
    return (operation, send) => this.call(operation, signal, send);
  }

  async call<T>(operation: string, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
    let inOutage = false;
    const onRetry = (retry: TransientRetry) => {
      this.deps.observer?.onServiceRetry?.({
        mappingId: this.mappingId,
        operation,
        attempt: retry.attempt,
        delayMs: retry.delayMs,
        error: described(retry.error),
      });
      if (!inOutage && retry.failingForMs >= OUTAGE_LOG_AFTER_MS) {
        inOutage = true;
        this.outageJoined(operation, retry);
      }
    };
    try {
      const result = await retryTransient(send, signal, { onRetry });
      if (inOutage) this.outageLeft(true);
      return result;
    } catch (error) {
      if (inOutage) this.outageLeft(false);
      throw error;
    }
  }

  private outageJoined(operation: string, retry: TransientRetry): void {
    if (!this.outage) {
      this.outage = { since: Date.now() - retry.failingForMs, operation, calls: 0 };
      this.log(
        `mapping ${this.mappingId}: ${operation} failing for ${seconds(retry.failingForMs)} ` +
          `(${described(retry.error)}); retrying until it answers`,
      );
    }
    this.outage.calls++;
  }

  /** A call of the outage ended: answered (`recovered`), or stopped or failed for good (reported elsewhere). */
  private outageLeft(recovered: boolean): void {
    const outage = this.outage;
    if (!outage) return;
    outage.calls--;
    if (outage.calls > 0) return;
    this.outage = undefined;
    if (recovered) {
      this.log(
        `mapping ${this.mappingId}: ${outage.operation} answering again after ${seconds(Date.now() - outage.since)}`,
      );
    }
  }

  private log(line: string): void {
    (this.deps.log ?? toStderr)(line);
  }
}
