import { type EdgeRefusal, refusalOfEntry, refusalOfStatus } from '../../producers/edge-figures.ts';
import type { ApiAccessEntry } from './apigateway/start-rest-apis.ts';
import { LatencyHistogram } from './metrics/latency-histogram.ts';

/** Why the collector refused events: one reading of its answers, shared with the producers' own figures. */
export type RefusalReason = Exclude<EdgeRefusal, 'network'>;

export interface CollectorFiguresSnapshot {
  /** Requests to the collector's event routes answered, preflights excluded. */
  readonly requests: number;
  readonly eventsAccepted: number;
  /** Events refused, by reason; a refused event a client resends and gets accepted counts in both. */
  readonly eventsRefused: Readonly<Partial<Record<RefusalReason, number>>>;
  /** Requests answered per status. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** From a request's arrival to its answer, as the local API Gateway measured it. */
  readonly latencyP50Ms?: number;
  readonly latencyP99Ms?: number;
}

/** Events in a request body (an array, or `{ "events": [...] }`); 0 when it is not one. */
const eventsInBody = (body: string): number => {
  try {
    const parsed: unknown = JSON.parse(body);
    if (Array.isArray(parsed)) return parsed.length;
    const events = (parsed as { events?: unknown } | null)?.events;
    return Array.isArray(events) ? events.length : 0;
  } catch {
    return 0;
  }
};

/** A 200/207 body: the collector answers `{"refused": []}` since it puts a request as one record (D36). */
interface CollectorAnswerBody {
  /** Events accepted, in answers of before D36 (the collector's answer can no longer count them). */
  readonly accepted?: unknown;
  readonly refused?: readonly { readonly error?: unknown }[];
}

/**
 * The edge figures `npm start` shows: the collector's requests, the events it put into the stream and those it
 * refused and why, and its latency — read from the local API Gateway's answers (its access log, in effect).
 */
export class CollectorFigures {
  private requests = 0;
  private accepted = 0;
  private readonly refused = new Map<RefusalReason, number>();
  private readonly statuses = new Map<number, number>();
  private readonly latency = new LatencyHistogram();

  /** `apiLogicalId`: the collector's API; answers of other APIs, and preflights, are not the collector's figures. */
  constructor(private readonly apiLogicalId: string) {}

  readonly record = (entry: ApiAccessEntry): void => {
    if (entry.apiLogicalId !== this.apiLogicalId || entry.request.httpMethod !== 'POST') return;
    const { status, body } = entry.answer;
    this.requests++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.latency.add(entry.latencyMs);
    if (status === 200 || status === 207) this.countEntries(body, eventsInBody(entry.request.body));
    else this.refuse(refusalOfStatus(status) as RefusalReason, eventsInBody(entry.request.body));
  };

  snapshot(): CollectorFiguresSnapshot {
    const p50 = this.latency.percentile(50);
    const p99 = this.latency.percentile(99);
    return {
      requests: this.requests,
      eventsAccepted: this.accepted,
      eventsRefused: Object.fromEntries(this.refused),
      byStatus: Object.fromEntries([...this.statuses].map(([status, n]) => [String(status), n])),
      ...(p50 === undefined ? {} : { latencyP50Ms: p50 }),
      ...(p99 === undefined ? {} : { latencyP99Ms: p99 }),
    };
  }

  /** `sent`: the request's events; those not refused were accepted, unless the answer counts them itself. */
  private countEntries(body: string, sent: number): void {
    let answer: CollectorAnswerBody;
    try {
      answer = JSON.parse(body) as CollectorAnswerBody;
    } catch {
      return;
    }
    const refused = answer.refused ?? [];
    this.accepted +=
      typeof answer.accepted === 'number' ? answer.accepted : Math.max(0, sent - refused.length);
    for (const entry of refused) this.refuse(refusalOfEntry(String(entry.error)) as RefusalReason, 1);
  }

  private refuse(reason: RefusalReason, events: number): void {
    if (events > 0) this.refused.set(reason, (this.refused.get(reason) ?? 0) + events);
  }
}
