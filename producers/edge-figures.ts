import { LatencyHistogram } from '../infra/local/metrics/latency-histogram.ts';

/**
 * Why the collector refused events, by its answer (one home: the local collector's own figures read answers with
 * these too, infra/local/collector-figures.ts), plus `network` for requests that got no answer at all.
 */
export type EdgeRefusal =
  | 'throttled'
  | 'unavailable'
  | 'invalid'
  | 'too-large'
  | 'forbidden'
  | 'unsupported-media-type'
  | 'network'
  | 'other';

const BY_STATUS: Readonly<Record<number, EdgeRefusal>> = {
  400: 'invalid',
  403: 'forbidden',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'throttled',
};

/** A whole request's refusal by its status; undefined status: no answer (network error, timeout). */
export const refusalOfStatus = (status: number | undefined): EdgeRefusal =>
  status === undefined ? 'network' : (BY_STATUS[status] ?? (status >= 500 ? 'unavailable' : 'other'));

/** A 207 entry's refusal by its Kinesis error code. */
export const refusalOfEntry = (error: string): EdgeRefusal =>
  error === 'ProvisionedThroughputExceededException' || error === 'KMSThrottlingException'
    ? 'throttled'
    : error === 'InternalFailure'
      ? 'unavailable'
      : 'other';

/** What a producer saw of the web collector (client-observed): requests, events, refusals and latency. */
export interface EdgeFigures {
  /** HTTP requests made, resends and bisections included. */
  readonly requests: number;
  /** Events the collector accepted. */
  readonly accepted: number;
  /** Events refused, per reason, once per refusal (an event throttled twice then accepted counts twice). */
  readonly refusedByReason: Readonly<Partial<Record<EdgeRefusal, number>>>;
  /** Event resends: one per event per extra request. */
  readonly retried: number;
  /** Round trip of a request, its body read, in milliseconds. */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

/** Running totals of the edge figures. */
export class EdgeTally {
  private readonly latency = new LatencyHistogram();
  private readonly refused: Partial<Record<EdgeRefusal, number>> = {};
  private requests = 0;
  private accepted = 0;
  retried = 0;

  request(latencyMs: number): void {
    this.requests++;
    this.latency.add(latencyMs);
  }

  accept(events: number): void {
    this.accepted += events;
  }

  refuse(reason: EdgeRefusal, events: number): void {
    this.refused[reason] = (this.refused[reason] ?? 0) + events;
  }

  figures(): EdgeFigures {
    return {
      requests: this.requests,
      accepted: this.accepted,
      refusedByReason: { ...this.refused },
      retried: this.retried,
      latencyP50Ms: this.latency.percentile(50) ?? 0,
      latencyP99Ms: this.latency.percentile(99) ?? 0,
    };
  }
}
