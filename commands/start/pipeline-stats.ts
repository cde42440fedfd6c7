import type { PollerObserver } from '../../infra/local/esm/kinesis-poller.ts';

/** What one event source mapping did during a run. */
export class MappingStats {
  processed = 0;
  discarded = 0;
  invocations = 0;
  functionErrors = 0;
  maxIteratorAgeMs = 0;
  lastIteratorAgeMs = 0;
  /** Highest checkpointed sequence number per shard. */
  readonly checkpoints = new Map<string, string>();
}

/** What the event source mappings did during one run, fed by the pollers, per mapping. */
export class PipelineStats implements PollerObserver {
  readonly mappings = new Map<string, MappingStats>();

  mapping(id: string): MappingStats {
    let stats = this.mappings.get(id);
    if (!stats) {
      stats = new MappingStats();
      this.mappings.set(id, stats);
    }
    return stats;
  }

  onInvoke = (info: { mappingId: string; outcome: string }) => {
    const stats = this.mapping(info.mappingId);
    stats.invocations++;
    if (info.outcome !== 'success') stats.functionErrors++;
  };

  onCheckpoint = (info: {
    mappingId: string;
    shardId: string;
    sequenceNumber: string;
    iteratorAgeMs: number;
    records: number;
  }) => {
    const stats = this.mapping(info.mappingId);
    stats.processed += info.records;
    stats.lastIteratorAgeMs = info.iteratorAgeMs;
    stats.maxIteratorAgeMs = Math.max(stats.maxIteratorAgeMs, info.iteratorAgeMs);
    stats.checkpoints.set(info.shardId, info.sequenceNumber);
  };

  onDiscard = (info: { mappingId: string; records: number }) => {
    this.mapping(info.mappingId).discarded += info.records;
  };
}
