import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mapWithConcurrency } from '../../../processors/shared/concurrency.ts';
import { asError } from '../../../processors/shared/errors.ts';
import type { TtlTable } from './ttl-tables.ts';

/** DynamoDB leaves alone an item whose expiry lies more than five years back (most likely not seconds). */
const OLDEST_EXPIRY_SECONDS = 5 * 365 * 86_400;

export interface TtlSweeperOptions {
  /** How often a pass runs. @default 60_000 (DynamoDB takes up to a few days; locally, about a minute) */
  readonly everyMs?: number;
  /** Items read per Scan page. @default 1_000 */
  readonly pageSize?: number;
  /** Scan pages per table and pass: a pass's work is bounded, the next one continues where it stopped. @default 10 */
  readonly pagesPerPass?: number;
  /** Told of a pass that failed (the next one tries again). */
  readonly onError?: (error: Error) => void;
}

type Key = Record<string, AttributeValue>;

/**
 * Does locally what DynamoDB's TTL does and DynamoDB Local does not: deletes, in each table with TTL
 * enabled, the items whose TTL attribute holds an epoch-seconds number in the past. Each pass reads a
 * bounded number of Scan pages per table, resuming where the last pass stopped, so a large table is
 * covered over several passes at a steady cost. A delete is conditional on the item still being
 * expired, so an item given a new expiry meanwhile stays. The deletes reach the table's stream as
 * REMOVE records, as TTL deletions do on AWS.
 */
export class TtlSweeper {
  private readonly cursors = new Map<string, Key | undefined>();
  private timer?: NodeJS.Timeout;
  private pass: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    readonly tables: readonly TtlTable[],
    private readonly options: TtlSweeperOptions = {},
  ) {}

  /** Sweeps every `everyMs` until stop(); the first pass comes one period after the start. */
  start(): void {
    const everyMs = this.options.everyMs ?? 60_000;
    if (everyMs <= 0 || this.tables.length === 0 || this.timer) return;
    this.timer = setInterval(() => {
      void this.sweep().catch((error) => this.options.onError?.(asError(error)));
    }, everyMs);
    this.timer.unref();
  }

  /** Stops the periodic passes, once the one under way (if any) has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pass.catch(() => undefined);
  }

  /**
   * One pass over every table, as of `nowMs` (a later clock lets a test expire items at once); passes
   * never overlap. Resolves to how many items were deleted.
   */
  sweep(nowMs = Date.now()): Promise<number> {
    const next = this.pass
      .catch(() => undefined)
      .then(async () => {
        let deleted = 0;
        for (const table of this.tables) deleted += await this.sweepTable(table, Math.floor(nowMs / 1000));
        return deleted;
      });
    this.pass = next;
    return next;
  }

  private async sweepTable(table: TtlTable, nowSeconds: number): Promise<number> {
    const pagesPerPass = this.options.pagesPerPass ?? 10;
    let deleted = 0;
    for (let page = 0; page < pagesPerPass; page++) {
      const { expired, next } = await this.expiredOnPage(
        table,
        nowSeconds,
        this.cursors.get(table.tableName),
      );
      this.cursors.set(table.tableName, next);
      deleted += await this.deleteExpired(table, expired, nowSeconds);
      // The end of the table: the next pass starts over from its beginning.
      if (!next) break;
    }
    return deleted;
  }

  /** The keys of the expired items on one Scan page, and where the next page starts. */
  private async expiredOnPage(table: TtlTable, nowSeconds: number, from: Key | undefined) {
    const names = Object.fromEntries(table.keyNames.map((name, i) => [`#k${i}`, name]));
    const page = await this.dynamodb.send(
      new ScanCommand({
        TableName: table.tableName,
        Limit: this.options.pageSize ?? 1_000,
        ...(from ? { ExclusiveStartKey: from } : {}),
        FilterExpression: '#ttl BETWEEN :oldest AND :now',
        ProjectionExpression: Object.keys(names).join(', '),
        ExpressionAttributeNames: { ...names, '#ttl': table.attributeName },
        ExpressionAttributeValues: expiryWindow(nowSeconds),
      }),
    );
    return { expired: page.Items ?? [], next: page.LastEvaluatedKey };
  }

  private async deleteExpired(table: TtlTable, keys: readonly Key[], nowSeconds: number): Promise<number> {
    let deleted = 0;
    await mapWithConcurrency(keys, 8, async (key) => {
      try {
        await this.dynamodb.send(
          new DeleteItemCommand({
            TableName: table.tableName,
            Key: key,
            ConditionExpression: '#ttl BETWEEN :oldest AND :now',
            ExpressionAttributeNames: { '#ttl': table.attributeName },
            ExpressionAttributeValues: expiryWindow(nowSeconds),
          }),
        );
        deleted++;
      } catch (error) {
        // Given a new expiry (or deleted) since the Scan: not expired any more, nothing to do.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    });
    return deleted;
  }
}

/**
 * The expiries DynamoDB acts on at `nowSeconds`: numbers (a string or anything else never compares as
 * between two numbers) in the past, but not more than five years back.
 */
const expiryWindow = (nowSeconds: number): Record<string, AttributeValue> => ({
  ':oldest': { N: String(nowSeconds - OLDEST_EXPIRY_SECONDS) },
  ':now': { N: String(nowSeconds - 1) },
});
