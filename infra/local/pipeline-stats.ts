import type { PollerObserver } from './esm/kinesis-poller.ts';

/** What the event source mappings did during one run, fed by the pollers. */
export class PipelineStats implements PollerObserver {
  processed = 0;
  discarded = 0;
  invocations = 0;
  functionErrors = 0;
  maxIteratorAgeMs = 0;
  lastIteratorAgeMs = 0;
  /** Highest checkpointed sequence number per shard. */
  readonly checkpoints = new Map<string, string>();

  onInvoke = (info: { outcome: string }) => {
    this.invocations++;
    if (info.outcome !== 'success') this.functionErrors++;
  };

  onCheckpoint = (info: {
    shardId: string;
    sequenceNumber: string;
    iteratorAgeMs: number;
    records: number;
  }) => {
    this.processed += info.records;
    this.lastIteratorAgeMs = info.iteratorAgeMs;
    this.maxIteratorAgeMs = Math.max(this.maxIteratorAgeMs, info.iteratorAgeMs);
    this.checkpoints.set(info.shardId, info.sequenceNumber);
  };

  onDiscard = (info: { records: number }) => {
    this.discarded += info.records;
  };
}
