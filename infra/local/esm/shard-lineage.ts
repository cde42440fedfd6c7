import type { Shard } from '@aws-sdk/client-dynamodb-streams';

/** A shard of a DynamoDB stream as the mapping first saw it. */
export interface KnownShard {
  readonly id: string;
  readonly parentId?: string;
  /** Present at the mapping's first look at the stream: StartingPosition applies to it. */
  readonly initial: boolean;
  /** Had an ending sequence number (closed) when first seen. */
  readonly closedWhenSeen: boolean;
}

/**
 * The shards of a DynamoDB stream as a mapping follows them: those seen, those being read and those
 * read to the end. Shards split and close over time; a child is read only once its parent is read to
 * the end, so a key's changes stay in order across the split.
 */
export class ShardLineage {
  /** The run of each shard being read, by shard id. */
  readonly running = new Map<string, Promise<void>>();
  private readonly known = new Map<string, KnownShard>();
  private readonly drained = new Set<string>();
  private firstLook = true;

  /** Adds the shards DescribeStream listed that were not seen before (in the order listed). */
  learn(shards: readonly Shard[]): void {
    for (const shard of shards) {
      const id = shard.ShardId;
      if (!id || this.known.has(id)) continue;
      this.known.set(id, {
        id,
        ...(shard.ParentShardId ? { parentId: shard.ParentShardId } : {}),
        initial: this.firstLook,
        closedWhenSeen: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      });
    }
    this.firstLook = false;
  }

  /**
   * The shards that may be read now, in the order first seen: neither being read nor read to the end,
   * and whose parent is read to the end (a parent aged out of the stream no longer appears in
   * DescribeStream and holds no one up). Lazy: a shard marked drained while iterating frees its
   * children later in the same pass.
   */
  *readable(): Generator<KnownShard> {
    for (const shard of this.known.values()) {
      if (this.running.has(shard.id) || this.drained.has(shard.id)) continue;
      if (shard.parentId && this.known.has(shard.parentId) && !this.drained.has(shard.parentId)) continue;
      yield shard;
    }
  }

  /** The shard is read to the end (or needs no reading): its children may start. */
  markDrained(id: string): void {
    this.drained.add(id);
  }

  /** No shard is being read and every shard seen is read to the end. */
  get allDrained(): boolean {
    return this.running.size === 0 && [...this.known.keys()].every((id) => this.drained.has(id));
  }
}
