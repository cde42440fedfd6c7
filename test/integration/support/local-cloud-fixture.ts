import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { expect } from 'vitest';
import { kinesisEvent, type PolledRecord, toPolledRecord } from '../../../infra/local/esm/kinesis-event.ts';
import type { LocalCloud } from '../../../infra/local/local-cloud.ts';
import type { RollupValues } from './expected-rollups.ts';

export const streamOf = (cloud: LocalCloud) => cloud.resources.eventStream;
export const tableOf = (cloud: LocalCloud) => cloud.resources.rollupsTable.name;
export const lakeBucketOf = (cloud: LocalCloud) => cloud.resources.lakeBucket.name;

/** Puts raw records (one PutRecords per 500), fails on any unsent entry, and returns the last sequence number per shard. */
export const putRecords = async (
  cloud: LocalCloud,
  records: { data: string | Uint8Array; partitionKey: string }[],
) => {
  const last = new Map<string, string>();
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const result = await cloud.clients.kinesis.send(
      new PutRecordsCommand({
        StreamName: streamOf(cloud).name,
        Records: chunk.map((r) => ({
          Data: typeof r.data === 'string' ? Buffer.from(r.data) : r.data,
          PartitionKey: r.partitionKey,
        })),
      }),
    );
    if (result.FailedRecordCount) throw new Error(`${result.FailedRecordCount} records were not accepted`);
    for (const entry of result.Records ?? []) last.set(entry.ShardId ?? '', entry.SequenceNumber ?? '');
  }
  return last;
};

/** Reads every record of every shard from the start, as the poller would see them. */
export const readShards = async (cloud: LocalCloud): Promise<Map<string, PolledRecord[]>> => {
  const { kinesis } = cloud.clients;
  const StreamName = streamOf(cloud).name;
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
  const result = new Map<string, PolledRecord[]>();
  for (const shard of shards) {
    const ShardId = shard.ShardId ?? '';
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    const records: PolledRecord[] = [];
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      records.push(...(page.Records ?? []).map(toPolledRecord));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
    result.set(ShardId, records);
  }
  return result;
};

/** The rollups table as `<pk> <sk>` → measures (high-water marks and bookkeeping left out). */
export const scanRollups = async (cloud: LocalCloud): Promise<Map<string, RollupValues>> => {
  const items = new Map<string, RollupValues>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await cloud.clients.documents.send(
      new ScanCommand({ TableName: tableOf(cloud), ExclusiveStartKey }),
    );
    for (const item of page.Items ?? []) {
      const values: RollupValues = {};
      for (const [name, value] of Object.entries(item)) {
        if (typeof value === 'number' && name !== 'expiresAt') values[name] = value;
      }
      items.set(`${item.pk} ${item.sk}`, values);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/** Every quarantined record in the lake bucket, parsed from its JSON lines. */
export const quarantinedRecords = async (cloud: LocalCloud) => {
  const Bucket = lakeBucketOf(cloud);
  const listed = await cloud.clients.s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'quarantine/' }));
  const records: { reason: string; detail: string; sequenceNumber: string; data: string }[] = [];
  for (const object of listed.Contents ?? []) {
    const body = await cloud.clients.s3.send(new GetObjectCommand({ Bucket, Key: object.Key }));
    const text = (await body.Body?.transformToString()) ?? '';
    for (const line of text.split('\n').filter(Boolean)) records.push(JSON.parse(line));
  }
  return records;
};

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export const eventually = async (
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
};

/**
 * Hands `records` of one shard to a Kinesis consumer's function as its mapping would, and expects no batch item
 * failures back.
 */
export const deliverToConsumer = async (
  cloud: LocalCloud,
  consumer: 'aggregate' | 'archive',
  shardId: string,
  records: PolledRecord[],
): Promise<void> => {
  const { mappings, functions } = cloud.resources;
  const event = kinesisEvent(mappings[consumer], shardId, 'us-east-1', 'arn:aws:iam::0:role/x', records);
  const response = (await cloud
    .localFunction(functions[consumer])
    .invoke(event)) as KinesisStreamBatchResponse;
  expect(response?.batchItemFailures ?? []).toEqual([]);
};
