import type { S3Client } from '@aws-sdk/client-s3';
import type { FuzzLedger } from '../ledger.ts';
import { listKeys, readObject } from './s3-objects.ts';

export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * Reads the quarantine objects the consumers write for the run's shards
 * (`quarantine/dt=<arrival day>/<consumer>/<shard>/<first>-<last>.jsonl`) into the ledger, each object
 * once; objects holding only records older than the run are skipped.
 */
export class QuarantineReader {
  private readonly read = new Map<string, number>();
  /** Objects read so far. */
  get objects(): number {
    return this.read.size;
  }
  /** Lines read per consumer (all traffic). */
  readonly lines = new Map<string, number>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly consumers: readonly string[],
    private readonly ledger: FuzzLedger,
  ) {}

  async poll(days: readonly string[]): Promise<void> {
    for (const { consumer, shardId, prefix } of this.prefixes(days)) {
      for (const { key, size } of await listKeys(this.s3, this.bucket, prefix)) {
        if (this.read.get(key) === size || !this.mayHoldRun(shardId, key)) continue;
        await this.readOne(consumer, key);
        this.read.set(key, size);
      }
    }
  }

  /** Every folder a consumer may have quarantined the run's records in. */
  private *prefixes(days: readonly string[]) {
    for (const day of days)
      for (const consumer of this.consumers)
        for (const shardId of this.ledger.firstByShard.keys())
          yield { consumer, shardId, prefix: `${QUARANTINE_PREFIX}dt=${day}/${consumer}/${shardId}/` };
  }

  /** An object whose last sequence number lies before the run's first on its shard holds none of the run. */
  private mayHoldRun(shardId: string, key: string): boolean {
    const last = /-(\d+)\.jsonl$/.exec(key)?.[1];
    return !last || this.ledger.mayHold(shardId, BigInt(last));
  }

  private async readOne(consumer: string, key: string): Promise<void> {
    const text = await readObject(this.s3, this.bucket, key);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as { shardId: string; sequenceNumber: string; reason: string };
      this.lines.set(consumer, (this.lines.get(consumer) ?? 0) + 1);
      this.ledger.quarantined(consumer, record.shardId, record.sequenceNumber, record.reason);
    }
  }
}
