import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DATASETS, type Dataset } from '../../schemas/index.ts';
import { INTENT_PARTITION_PREFIX, type LakeIntent } from './lake-intent.ts';
import { type LakeFileRange, lakeFileKey } from './lake-key.ts';

export interface LakeIntentsConfig {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  /** The dedup table: the intent is a small item beside the shard's memory items. */
  readonly tableName: string;
  readonly lakeBucket: string;
  readonly lakePrefix: string;
}

/**
 * How long an intent outlives its batch: far past the mapping's record age limit (1 h) and the stream's default
 * retention (24 h), so any delivery of its records finds it; a closed shard's intent then ages out.
 */
const INTENT_LIFETIME_MS = 7 * 24 * 3_600_000;

/** One item per shard, in a partition of its own (INTENT_PARTITION_PREFIX). */
export const intentKey = (shardId: string) => ({
  pk: `${INTENT_PARTITION_PREFIX}${shardId}`,
  sk: 'lake-files',
});

const fileOf = (value: unknown): LakeFileRange => {
  const { dataset, partition, first, last } = (value ?? {}) as Record<string, unknown>;
  if (
    !DATASETS.includes(dataset as Dataset) ||
    typeof partition !== 'string' ||
    typeof first !== 'string' ||
    typeof last !== 'string'
  ) {
    throw new Error(
      `an archive intent names a file as ${JSON.stringify(value)}, not {dataset, partition, first, last}: written by another version? Delete the intent item to archive without it`,
    );
  }
  return { dataset: dataset as Dataset, partition, first, last };
};

/**
 * The archive's intents, one item per shard in the dedup table (read and written once per batch), and the lake
 * they speak of (listed only when an intent was cut short).
 */
export class LakeIntents {
  /** Lake files looked up after an intent was cut short, for the batch metrics. */
  filesLookedUp = 0;

  constructor(private readonly config: LakeIntentsConfig) {}

  /** The shard's last intent, if any (strongly consistent: the previous invocation may have run elsewhere). */
  async last(shardId: string): Promise<LakeIntent | undefined> {
    const { Item } = await this.config.dynamodb.send(
      new GetCommand({ TableName: this.config.tableName, Key: intentKey(shardId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const files = Item.files;
    if (typeof Item.intentId !== 'string' || !Array.isArray(files)) {
      throw new Error(
        `the archive intent of ${shardId} has no intentId or files (${JSON.stringify(Item)}): written by another version?`,
      );
    }
    return { id: Item.intentId, files: files.map(fileOf) };
  }

  /**
   * Replaces the shard's intent with `intent`, provided it still is `previous`: one invocation per shard at a
   * time is the mapping's promise (ParallelizationFactor 1); if another wrote in between, this batch fails and
   * its retry reads what that one announced.
   */
  async announce(shardId: string, intent: LakeIntent, previous: LakeIntent | undefined): Promise<void> {
    await this.config.dynamodb.send(
      new UpdateCommand({
        TableName: this.config.tableName,
        Key: intentKey(shardId),
        UpdateExpression: 'SET intentId = :id, files = :files, expiresAt = :expiresAt',
        ConditionExpression: previous ? 'intentId = :previous' : 'attribute_not_exists(intentId)',
        ExpressionAttributeValues: {
          ':id': intent.id,
          ':files': intent.files,
          ':expiresAt': Math.ceil((Date.now() + INTENT_LIFETIME_MS) / 1000),
          ...(previous ? { ':previous': previous.id } : {}),
        },
      }),
    );
  }

  /** Those of `files` that are in the lake: one LIST each (the archive may list the bucket, not read it). */
  async inLake(shardId: string, files: readonly LakeFileRange[]): Promise<LakeFileRange[]> {
    const found = await Promise.all(
      files.map(async (file) => {
        const key = lakeFileKey(this.config.lakePrefix, shardId, file);
        const listed = await this.config.s3.send(
          new ListObjectsV2Command({ Bucket: this.config.lakeBucket, Prefix: key, MaxKeys: 1 }),
        );
        return (listed.Contents ?? []).some((object) => object.Key === key);
      }),
    );
    this.filesLookedUp += files.length;
    return files.filter((_, i) => found[i]);
  }
}
