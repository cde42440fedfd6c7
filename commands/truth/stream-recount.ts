import { lambdaKinesisRecord } from '../../infra/local/esm/kinesis-event.ts';
import {
  type AcceptedRecord,
  classifyBatch,
  positionKey,
  type QuarantineReason,
} from '../../processors/shared/classify.ts';
import { compareSequence } from '../../processors/shared/sequence.ts';
import { RollupRecount, type RollupValues } from '../verify/ground-truth-rollups.ts';
import type { RecountSettings } from './recount-settings.ts';
import { type SavedSeenGroup, ShardDuplicates } from './shard-duplicates.ts';

/** A record as GetRecords returns it, reduced to what the recount reads. */
export interface StreamRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** ApproximateArrivalTimestamp: lateness and the duplicate horizon are judged against it (D3, D14). */
  readonly arrivalMs: number;
}

/** What the stream held, as the consumers judge it: why it holds more records than the rollups count. */
export interface RecountCounters {
  /** Records read from the stream. */
  readonly read: number;
  /** First copies the consumers accept: counted in the rollups, stored in the lake. */
  readonly accepted: number;
  /** Records the consumers quarantine, by reason (too-late, future-dated, invalid-json, …). */
  readonly quarantined: Readonly<Partial<Record<QuarantineReason, number>>>;
  /** Later copies of an accepted event within the duplicate horizon: neither counted nor stored. */
  readonly producerDuplicates: number;
}

/** How far the recount has read one shard, and the first copies it remembers there. */
export interface SavedShard {
  /** The last sequence number folded in: the next read starts AFTER_SEQUENCE_NUMBER it. */
  readonly lastSequence: string;
  readonly records: number;
  readonly seen: readonly SavedSeenGroup[];
}

/** Everything the recount knows, as of one instant: positions, counters and sums always agree. */
export interface RecountSnapshot {
  readonly counters: RecountCounters;
  readonly shards: Readonly<Record<string, SavedShard>>;
  /** Expected rollups: `<pk> <sk>` → measures. */
  readonly rollups: Readonly<Record<string, RollupValues>>;
}

interface ShardProgress {
  lastSequence: string;
  records: number;
  readonly duplicates: ShardDuplicates;
}

/**
 * The truth verify compares against (docs/decisions.md, D15): every record of the event stream folded, in
 * sequence order per shard, into what the consumers must have made of it — classified by the consumers'
 * own classifier and acceptance policy, producer duplicates left out as the consumers leave them out, and
 * the accepted first copies counted by the naive rollup recount. Pure: reading the stream and saving the
 * snapshot are the callers' (catch-up.ts, truth-file.ts).
 */
export class StreamRecount {
  readonly rollups: RollupRecount;
  private readonly shards = new Map<string, ShardProgress>();
  private read = 0;
  private accepted = 0;
  private producerDuplicates = 0;
  private readonly quarantined: Partial<Record<QuarantineReason, number>> = {};

  constructor(
    private readonly settings: RecountSettings,
    snapshot?: RecountSnapshot,
  ) {
    this.rollups = new RollupRecount(Object.entries(snapshot?.rollups ?? {}));
    if (!snapshot) return;
    this.read = snapshot.counters.read;
    this.accepted = snapshot.counters.accepted;
    this.producerDuplicates = snapshot.counters.producerDuplicates;
    Object.assign(this.quarantined, snapshot.counters.quarantined);
    for (const [shardId, shard] of Object.entries(snapshot.shards)) {
      this.shards.set(shardId, {
        lastSequence: shard.lastSequence,
        records: shard.records,
        duplicates: new ShardDuplicates(settings.horizonMs, shard.seen),
      });
    }
  }

  /** Where to resume reading a shard: after this sequence number, or from its start when undefined. */
  positionOf(shardId: string): string | undefined {
    return this.shards.get(shardId)?.lastSequence;
  }

  /** The last record folded in on each shard: the end of the stream, right after a catch-up. */
  lastSequences(): Map<string, string> {
    return new Map([...this.shards].map(([shardId, shard]) => [shardId, shard.lastSequence]));
  }

  get counters(): RecountCounters {
    return {
      read: this.read,
      accepted: this.accepted,
      quarantined: { ...this.quarantined },
      producerDuplicates: this.producerDuplicates,
    };
  }

  /**
   * Folds in the next records of a shard, in sequence order. Records at or before the shard's position
   * were folded in already (a re-delivery after a resume) and are skipped, so each counts once.
   */
  fold(shardId: string, records: readonly StreamRecord[]): void {
    const position = this.positionOf(shardId);
    const fresh =
      position === undefined
        ? records
        : records.filter((record) => compareSequence(record.sequenceNumber, position) > 0);
    const last = fresh.at(-1);
    if (!last) return;
    const shard = this.progressOf(shardId);
    const classified = classifyBatch(
      fresh.map((record) =>
        lambdaKinesisRecord(shardId, { ...record, data: Buffer.from(record.data).toString('base64') }),
      ),
      this.settings.policy,
    );
    for (const rejected of classified.rejected) {
      this.quarantined[rejected.reason] = (this.quarantined[rejected.reason] ?? 0) + 1;
    }
    const arrivals = new Map(fresh.map((record) => [record.sequenceNumber, record.arrivalMs]));
    for (const record of classified.accepted) this.count(shard, record, arrivals.get(record.sequenceNumber));
    this.read += fresh.length;
    shard.records += fresh.length;
    shard.lastSequence = last.sequenceNumber;
  }

  snapshot(): RecountSnapshot {
    return {
      counters: this.counters,
      shards: Object.fromEntries(
        [...this.shards].map(([shardId, shard]) => [
          shardId,
          { lastSequence: shard.lastSequence, records: shard.records, seen: shard.duplicates.saved() },
        ]),
      ),
      rollups: Object.fromEntries(this.rollups.values),
    };
  }

  /** An accepted record: a producer duplicate, or a first copy counted into the rollups. */
  private count(shard: ShardProgress, record: AcceptedRecord, arrivalMs = 0): void {
    if (shard.duplicates.isDuplicate(record.event.eventId, positionKey(record), arrivalMs)) {
      this.producerDuplicates++;
      return;
    }
    try {
      this.rollups.add(record.event);
      this.accepted++;
    } catch {
      // The consumers quarantine an event their pre-aggregation cannot take (D11); so does the recount.
      this.quarantined.unprocessable = (this.quarantined.unprocessable ?? 0) + 1;
    }
  }

  private progressOf(shardId: string): ShardProgress {
    let shard = this.shards.get(shardId);
    if (!shard) {
      shard = { lastSequence: '0', records: 0, duplicates: new ShardDuplicates(this.settings.horizonMs) };
      this.shards.set(shardId, shard);
    }
    return shard;
  }
}
