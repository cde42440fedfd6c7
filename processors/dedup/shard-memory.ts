import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { padSequence } from '../shared/sequence.ts';
import {
  type Identified,
  packEntries,
  type SeenEvent,
  SeenEvents,
  type Split,
  unpackEntries,
} from './seen-events.ts';

/**
 * Where a consumer remembers the first copies it counted (docs/decisions.md, D14): one item per batch and
 * shard, `pk = <consumer>#<shard>`, `sk = <arrival ms>#<first sequence number>`, the entries packed in one binary
 * attribute (12 bytes an event), expiring by TTL after the horizon. A warm function keeps what it read in memory
 * and asks only for items written since (one strongly consistent Query per batch, usually empty); a cold one
 * reads the horizon once.
 */
export interface DedupMemoryConfig {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** `aggregate`, `archive`: each consumer decides for itself, so none depends on another's progress. */
  readonly consumer: string;
  /** How long a first copy is remembered, by arrival time. */
  readonly horizonMs: number;
}

interface Remembered {
  readonly sk: string;
  readonly arrivedAtMs: number;
  readonly entries: readonly SeenEvent[];
  /** The id the consumer gave the batch that wrote the item, if it gave one. */
  readonly batchId?: string;
}

/**
 * Entries of one item at most: 12 bytes each, 360,000 bytes, under DynamoDB's 400 KB item with its keys. A batch
 * of batch records (D36) can hold more events than that (6 MiB of 100-byte events ≈ 60,000): it is remembered in
 * several items, written in order, its `batchId` on the last.
 */
export const ENTRIES_PER_ITEM = 30_000;

const ARRIVAL_DIGITS = 13;
const sortKey = (arrivedAtMs: number, firstSequenceNumber: string) =>
  `${String(Math.floor(arrivedAtMs)).padStart(ARRIVAL_DIGITS, '0')}#${padSequence(firstSequenceNumber)}`;
const arrivalOf = (sk: string) => Number(sk.slice(0, ARRIVAL_DIGITS));

class ShardMemory {
  readonly seen = new SeenEvents();
  readonly items: Remembered[] = [];
  readonly batchIds = new Set<string>();
  /** The newest sort key read or written: later batches ask only for what lies past it. */
  newest?: string;

  add(item: Remembered): void {
    this.seen.remember(item.entries);
    this.items.push(item);
    if (item.batchId) this.batchIds.add(item.batchId);
    if (!this.newest || item.sk > this.newest) this.newest = item.sk;
  }

  /** Forgets the items that arrived before `oldestMs`. */
  expire(oldestMs: number): void {
    this.items.sort((a, b) => (a.sk < b.sk ? -1 : 1));
    while (this.items[0] && this.items[0].arrivedAtMs < oldestMs) {
      const item = this.items.shift();
      this.seen.forget(item?.entries ?? []);
      if (item?.batchId) this.batchIds.delete(item.batchId);
    }
  }
}

export class DedupMemory {
  private readonly shards = new Map<string, ShardMemory>();
  /** Items read from the table (catching up), for the batch metrics. */
  itemsRead = 0;

  constructor(private readonly config: DedupMemoryConfig) {}

  /**
   * Splits the accepted records of a batch (sequence order) into first copies and duplicates, after catching up
   * with what other invocations remembered. `arrivedAtMs` is the batch's first arrival time.
   */
  async split<R>(
    shardId: string,
    arrivedAtMs: number,
    records: readonly R[],
    idOf: (record: R) => Identified,
  ): Promise<Split<R>> {
    const memory = await this.catchUp(shardId, arrivedAtMs);
    return memory.seen.split(records, idOf);
  }

  /**
   * Writes what a batch adds to the memory; a batch succeeds only once this is stored. `batchId`, when given, is
   * stored with the entries, so later invocations can tell that this batch got this far (remembersBatch).
   */
  async remember(
    shardId: string,
    arrivedAtMs: number,
    firstSequenceNumber: string,
    entries: readonly SeenEvent[],
    batchId?: string,
  ): Promise<void> {
    if (entries.length === 0) return;
    const base = sortKey(arrivedAtMs, firstSequenceNumber);
    const parts = Math.ceil(entries.length / ENTRIES_PER_ITEM);
    for (let part = 0; part < parts; part++) {
      // Part 0 keeps the batch's own key; later parts sort right after it and before any later batch.
      const sk = part === 0 ? base : `${base}#${String(part).padStart(4, '0')}`;
      const slice = entries.slice(part * ENTRIES_PER_ITEM, (part + 1) * ENTRIES_PER_ITEM);
      // The batch id only on the last part: an item carrying it says every part was written.
      const id = part === parts - 1 && batchId ? { batchId } : {};
      await this.config.client.send(
        new PutCommand({
          TableName: this.config.tableName,
          Item: {
            pk: this.partitionKey(shardId),
            sk,
            entries: packEntries(slice),
            expiresAt: Math.ceil((arrivedAtMs + this.config.horizonMs) / 1000),
            ...id,
          },
        }),
      );
      this.memoryOf(shardId).add({ sk, arrivedAtMs, entries: slice, ...id });
    }
  }

  /**
   * Whether an item of the horizon carries `batchId`, as read by the last split() of the shard: the batch
   * remembered its entries, which it does only after all its other writes landed.
   */
  remembersBatch(shardId: string, batchId: string): boolean {
    return this.shards.get(shardId)?.batchIds.has(batchId) ?? false;
  }

  private partitionKey(shardId: string): string {
    return `${this.config.consumer}#${shardId}`;
  }

  private memoryOf(shardId: string): ShardMemory {
    let memory = this.shards.get(shardId);
    if (!memory) {
      memory = new ShardMemory();
      this.shards.set(shardId, memory);
    }
    return memory;
  }

  private async catchUp(shardId: string, arrivedAtMs: number): Promise<ShardMemory> {
    const memory = this.memoryOf(shardId);
    const oldestMs = arrivedAtMs - this.config.horizonMs;
    memory.expire(oldestMs);
    const from = memory.newest ?? sortKey(Math.max(0, oldestMs), '0');
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.tableName,
          KeyConditionExpression: 'pk = :pk AND sk > :from',
          ExpressionAttributeValues: { ':pk': this.partitionKey(shardId), ':from': from },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        this.itemsRead++;
        memory.add({
          sk,
          arrivedAtMs: arrivalOf(sk),
          entries: unpackEntries(item.entries as Uint8Array),
          ...(typeof item.batchId === 'string' ? { batchId: item.batchId } : {}),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return memory;
  }
}
