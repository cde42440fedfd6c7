import type { FaultService } from './fault-rules.ts';

/** One request through a service's front door and what the service answered. */
export interface Exchange {
  readonly service: FaultService;
  /** As fault rules name it (request-operation.ts): `UpdateItem`, `PUT`, `Publish`. */
  readonly operation: string;
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** The request body as passed on, when the tap asked for it (`wantsBodies`). */
  readonly requestBody?: Buffer;
  /** Bytes of the request body (its `content-length`, or the body passed on). */
  readonly requestBytes: number;
  readonly status: number;
  /** The answer's body, when the tap asked for it (`wantsBodies`). */
  readonly responseBody?: Buffer;
  readonly responseBytes: number;
}

/**
 * What watches the traffic at the front doors (`npm run cost` counts requests there, as AWS bills them). A tap
 * may rewrite a request's body before it is passed on — the cost run asks DynamoDB for ConsumedCapacity —
 * and is told of every exchange once the answer has been passed back.
 */
export interface ExchangeTap {
  /** The services whose request and answer bodies the tap reads (others: byte counts only). */
  readonly wantsBodies: (service: FaultService) => boolean;
  /** The body to pass on instead; undefined leaves it as it is. */
  readonly rewrite?: (service: FaultService, operation: string, body: Buffer) => Buffer | undefined;
  readonly observe: (exchange: Exchange) => void;
}

/** The taps in force, shared by every proxy; empty: the proxies only stream, as before. */
export class ExchangeTaps {
  private readonly taps = new Set<ExchangeTap>();

  /** Adds a tap; the function returned removes it. */
  add(tap: ExchangeTap): () => void {
    this.taps.add(tap);
    return () => this.taps.delete(tap);
  }

  get active(): readonly ExchangeTap[] {
    return [...this.taps];
  }
}
