import type { CheckpointStore } from '../esm/checkpoints.ts';

/** The pseudo shard under which a delivery stream's creation time is kept beside its shards' positions. */
const CREATED_AT = '@createdAt';

/**
 * Where each delivery stream stands in its source, kept apart from the event source mappings' checkpoints (a
 * store of its own, `firehose-positions.json`): per shard, the last record delivered to S3 — saved only after
 * its object is written — and when the state folder first ran the delivery stream.
 */
export class DeliveryPositions {
  constructor(private readonly store: CheckpointStore) {}

  /**
   * When the delivery stream was created here: Firehose reads its source from the tip at creation, so records
   * that arrived before are not its to deliver. Recorded at the first call, kept across restarts.
   */
  createdAt(deliveryStream: string, nowMs: number): number {
    const kept = this.store.get(deliveryStream, CREATED_AT);
    if (kept !== undefined && Number.isFinite(Number(kept))) return Number(kept);
    this.store.set(deliveryStream, CREATED_AT, String(nowMs));
    return nowMs;
  }

  /** The sequence number of the last record of `shardId` delivered, or undefined before the first. */
  position(deliveryStream: string, shardId: string): string | undefined {
    return this.store.get(deliveryStream, shardId);
  }

  /** Saved (atomically, to disk with a state folder) once the object holding `sequenceNumber` is written. */
  advance(deliveryStream: string, shardId: string, sequenceNumber: string): void {
    this.store.set(deliveryStream, shardId, sequenceNumber);
  }
}
