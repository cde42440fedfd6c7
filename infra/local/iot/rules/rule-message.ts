import type { SqlValue } from './sql-values.ts';

/** A message as the broker hands it to the rule engine. */
export interface InboundMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly clientId: string;
  /** When the broker accepted the PUBLISH (epoch ms): what `timestamp()` returns for this message. */
  readonly receivedAtMs: number;
}

/**
 * What the SQL and the substitution templates of every rule see of one message: its topic, publisher, trace id,
 * time, and its payload read as JSON once (lazily; binary payloads are never parsed twice).
 */
export class RuleMessage {
  private parsed: { readonly json: boolean; readonly value: SqlValue } | undefined;
  private levels: readonly string[] | undefined;

  constructor(
    readonly inbound: InboundMessage,
    /** `traceid()`: one UUID per message, shared by every rule it matches and by their actions. */
    readonly traceId: string,
  ) {}

  get topic(): string {
    return this.inbound.topic;
  }

  get clientId(): string {
    return this.inbound.clientId;
  }

  get timestampMs(): number {
    return this.inbound.receivedAtMs;
  }

  get payload(): Buffer {
    return this.inbound.payload;
  }

  /** Whether the payload is JSON (any JSON value); a binary payload is not. */
  get isJson(): boolean {
    return this.read().json;
  }

  /** The payload's JSON value, or Undefined when the payload is not JSON. */
  get json(): SqlValue {
    return this.read().value;
  }

  /** `topic(n)`: the n-th level of the topic, counted from 1; Undefined past either end. */
  topicLevel(n: number): string | undefined {
    this.levels ??= this.topic.split('/');
    return n >= 1 ? this.levels[n - 1] : undefined;
  }

  private read(): { readonly json: boolean; readonly value: SqlValue } {
    if (!this.parsed) {
      try {
        this.parsed = { json: true, value: JSON.parse(this.payload.toString('utf8')) as SqlValue };
      } catch {
        this.parsed = { json: false, value: undefined };
      }
    }
    return this.parsed;
  }
}
