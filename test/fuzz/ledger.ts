import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisWriter } from '../../producers/kinesis-writer.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import type { FuzzRecord } from './corpus.ts';
import type { FuzzKind } from './kinds.ts';

/** `shardId-000000000001/4959…`: where Kinesis put a record, the key every check matches on. */
export const recordKey = (shardId: string, sequenceNumber: string) => `${shardId}/${sequenceNumber}`;

export interface MalformedEntry {
  readonly kind: FuzzKind;
  /** The reason each consumer quarantined it with, once seen. */
  readonly reasons: Map<string, string>;
}

/**
 * What a fuzz run put, by shard and sequence number: the malformed records with their kinds (and, as
 * the quarantine is read, the reasons each consumer gave), the valid events, and per shard the first
 * and last sequence number of the run. The records' bytes are not kept.
 */
export class FuzzLedger {
  readonly malformed = new Map<string, MalformedEntry>();
  readonly valid = new Map<string, StreamlakeEvent>();
  /** A valid event's key by its eventId. */
  readonly validByEventId = new Map<string, string>();
  /** Valid events a consumer quarantined: key → consumer → reason. */
  readonly validQuarantined = new Map<string, Map<string, string>>();
  readonly firstByShard = new Map<string, bigint>();
  readonly lastByShard = new Map<string, bigint>();
  readonly unsent: { kind: FuzzKind | 'valid'; errorCode: string; errorMessage: string }[] = [];
  readonly putByKind = new Map<FuzzKind | 'valid', number>();

  accepted(record: FuzzRecord, shardId: string, sequenceNumber: string): void {
    const key = recordKey(shardId, sequenceNumber);
    const sequence = BigInt(sequenceNumber);
    const first = this.firstByShard.get(shardId);
    if (first === undefined || sequence < first) this.firstByShard.set(shardId, sequence);
    const last = this.lastByShard.get(shardId);
    if (last === undefined || sequence > last) this.lastByShard.set(shardId, sequence);
    this.putByKind.set(record.kind, (this.putByKind.get(record.kind) ?? 0) + 1);
    if (record.kind === 'valid') {
      if (!record.event) throw new Error('a valid fuzz record carries no event');
      this.valid.set(key, record.event);
      this.validByEventId.set(record.event.eventId, key);
      return;
    }
    this.malformed.set(key, { kind: record.kind, reasons: new Map() });
  }

  /** Notes one quarantined line; lines of other traffic are ignored. */
  quarantined(consumer: string, shardId: string, sequenceNumber: string, reason: string): void {
    const key = recordKey(shardId, sequenceNumber);
    const entry = this.malformed.get(key);
    if (entry) {
      entry.reasons.set(consumer, reason);
      return;
    }
    if (this.valid.has(key)) {
      const byConsumer = this.validQuarantined.get(key) ?? new Map<string, string>();
      byConsumer.set(consumer, reason);
      this.validQuarantined.set(key, byConsumer);
    }
  }

  /** Whether a Kinesis record with this sequence number on this shard may be one of the run's. */
  mayHold(shardId: string, lastSequenceNumber: bigint): boolean {
    const first = this.firstByShard.get(shardId);
    return first !== undefined && lastSequenceNumber >= first;
  }

  get validEvents(): StreamlakeEvent[] {
    return [...this.valid.values()];
  }
}

/**
 * Puts records with the producers' KinesisWriter (PutRecords of at most 500 records and 5 MiB, entries
 * that fail retried with bounded backoff), `chunk` records at a time so memory stays bounded, and notes
 * every outcome in the ledger; a record still unsent after the retries is noted as unsent.
 */
export const putCorpus = async (
  client: KinesisClient,
  streamName: string,
  records: Iterable<FuzzRecord>,
  ledger: FuzzLedger,
  options: { chunk?: number; onProgress?: (put: number) => void } = {},
): Promise<void> => {
  const writer = new KinesisWriter<FuzzRecord>({
    client,
    streamName,
    maxInFlight: 4,
    backoff: { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 2_000 },
  });
  const size = options.chunk ?? 500;
  let done = 0;
  let chunk: FuzzRecord[] = [];
  const flush = async () => {
    for (const outcome of await writer.write(chunk)) {
      if (outcome.status === 'accepted') {
        ledger.accepted(outcome.record, outcome.shardId, outcome.sequenceNumber);
      } else {
        ledger.unsent.push({
          kind: outcome.record.kind,
          errorCode: outcome.errorCode,
          errorMessage: outcome.errorMessage,
        });
      }
    }
    done += chunk.length;
    chunk = [];
    options.onProgress?.(done);
  };
  for (const record of records) {
    chunk.push(record);
    if (chunk.length >= size) await flush();
  }
  if (chunk.length > 0) await flush();
};
