import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  expectedRollups,
  type RollupValues,
  rollupDifferences,
} from '../../infra/local/lake/ground-truth-rollups.ts';
import type { Lake } from '../../infra/local/lake/lake-views.ts';
import { sqlString } from '../../infra/local/lake/lake-views.ts';
import { MARKED_DEVICES, MARKED_PAGES, markedDevice, markedPage, runMarkers } from './corpus.ts';
import type { FuzzLedger } from './ledger.ts';

export const QUARANTINE_PREFIX = 'quarantine/';
export const ON_FAILURE_PREFIX = 'aws/lambda/';

/** Every key under a prefix (paginated), with its last-modified time. */
export const listKeys = async (s3: S3Client, Bucket: string, Prefix: string) => {
  const keys: { key: string; size: number }[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
    for (const object of page.Contents ?? []) keys.push({ key: object.Key ?? '', size: object.Size ?? 0 });
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys;
};

export const readObject = async (s3: S3Client, Bucket: string, Key: string): Promise<string> => {
  const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return (await object.Body?.transformToString()) ?? '';
};

/** `2026-11-22` for each UTC day from `fromMs` to `toMs`. */
export const utcDays = (fromMs: number, toMs: number): string[] => {
  const days: string[] = [];
  for (let at = Math.floor(fromMs / 86_400_000) * 86_400_000; at <= toMs; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
};

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
    for (const day of days) {
      for (const consumer of this.consumers) {
        for (const shardId of this.ledger.firstByShard.keys()) {
          const prefix = `${QUARANTINE_PREFIX}dt=${day}/${consumer}/${shardId}/`;
          for (const { key, size } of await listKeys(this.s3, this.bucket, prefix)) {
            if (this.read.get(key) === size) continue;
            const last = /-(\d+)\.jsonl$/.exec(key)?.[1];
            if (last && !this.ledger.mayHold(shardId, BigInt(last))) continue;
            await this.readOne(consumer, key);
            this.read.set(key, size);
          }
        }
      }
    }
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

/** The run's marked rows in the lake: eventId → how many rows hold it. */
export const markedLakeRows = async (
  lake: Lake,
  runId: string,
  days?: readonly string[],
): Promise<Map<string, number>> => {
  const { page, id } = runMarkers(runId);
  const inDays = days ? `dt IN (${days.map(sqlString).join(', ')}) AND ` : '';
  const rows = await lake.rows(
    `SELECT event_id, count(*) AS n FROM clickstream WHERE ${inDays}(starts_with(page, ${sqlString(page)}) ` +
      `OR starts_with(session_id, ${sqlString(id)})) GROUP BY event_id ` +
      `UNION ALL SELECT event_id, count(*) AS n FROM telemetry WHERE ${inDays}starts_with(device_id, ${sqlString(id)}) GROUP BY event_id`,
  );
  const counts = new Map<string, number>();
  for (const row of rows) {
    const eventId = String(row.event_id);
    counts.set(eventId, (counts.get(eventId) ?? 0) + Number(row.n));
  }
  return counts;
};

/** The `<pk>`s of the run's marked rollup items: its pages' page views and its devices' readings. */
export const markedRollupKeys = (runId: string): string[] => [
  ...Array.from({ length: MARKED_PAGES }, (_, n) => `page_views#${markedPage(runId, n)}`),
  ...Array.from({ length: MARKED_DEVICES }, (_, n) => `device_readings#${markedDevice(runId, n)}`),
];

const isMarked = (runId: string) => {
  const pks = new Set(markedRollupKeys(runId));
  return (key: string) => pks.has(key.slice(0, key.lastIndexOf(' ')));
};

/** The run's marked rollup items as `<pk> <sk>` → measures, read with one Query per marked pk. */
export const markedRollups = async (
  documents: DynamoDBDocumentClient,
  TableName: string,
  runId: string,
): Promise<Map<string, RollupValues>> => {
  const items = new Map<string, RollupValues>();
  for (const pk of markedRollupKeys(runId)) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey,
        }),
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
  }
  return items;
};

export interface RollupCheck {
  readonly expectedItems: number;
  readonly differences: string[];
  /** Events counted too few, summed over the items (the count measure). */
  readonly deficitByItem: Map<string, number>;
  /** Events counted too many (malformed records accepted, or counted twice). */
  readonly surplus: number;
}

/** Compares the run's marked rollups with what its valid events imply. */
export const checkMarkedRollups = (
  ledger: FuzzLedger,
  runId: string,
  /** Rollup items as `<pk> <sk>` → measures; only the run's marked items are compared. */
  allActual: ReadonlyMap<string, RollupValues>,
): RollupCheck => {
  const marked = isMarked(runId);
  const expected = new Map([...expectedRollups(ledger.validEvents)].filter(([key]) => marked(key)));
  const actual = new Map([...allActual].filter(([key]) => marked(key)));
  const deficitByItem = new Map<string, number>();
  let surplus = 0;
  for (const [key, values] of expected) {
    const gap = (values.count ?? 0) - (actual.get(key)?.count ?? 0);
    if (gap > 0) deficitByItem.set(key, gap);
    else surplus -= gap;
  }
  for (const [key, values] of actual) if (!expected.has(key)) surplus += values.count ?? 0;
  return {
    expectedItems: expected.size,
    differences: rollupDifferences(expected, actual),
    deficitByItem,
    surplus,
  };
};

/** The minute item (`<pk> <sk>`) a valid event is counted in, among the marked rollups. */
export const markedItemOf = (event: { schema: string; eventTime: string } & Record<string, unknown>) => {
  const minute = `${new Date(Math.floor(Date.parse(event.eventTime) / 60_000) * 60_000).toISOString().slice(0, 16)}Z`;
  return event.schema === 'telemetry.reading'
    ? `device_readings#${String(event.deviceId)} ${minute}`
    : `page_views#${String(event.page)} ${minute}`;
};

export interface OnFailureObject {
  readonly key: string;
  readonly records: number;
  /** `shard/sequence` of the Kinesis records the object holds, when its payload names them. */
  readonly recordKeys: string[];
}

/** Reads a failure record Lambda (or the local poller) sent to an S3 on-failure destination. */
export const readOnFailureObject = async (
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<OnFailureObject> => {
  const text = await readObject(s3, bucket, key);
  let parsed: {
    KinesisBatchInfo?: { batchSize?: number };
    DDBStreamBatchInfo?: { batchSize?: number };
    payload?: string;
  } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    return { key, records: 1, recordKeys: [] };
  }
  const records = parsed.KinesisBatchInfo?.batchSize ?? parsed.DDBStreamBatchInfo?.batchSize ?? 0;
  const recordKeys: string[] = [];
  if (parsed.KinesisBatchInfo && parsed.payload) {
    try {
      const payload = JSON.parse(parsed.payload) as {
        Records?: { eventID?: string; kinesis?: { sequenceNumber?: string } }[];
      };
      for (const record of payload.Records ?? []) {
        const eventId = record.eventID ?? '';
        recordKeys.push(
          `${eventId.slice(0, eventId.lastIndexOf(':'))}/${record.kinesis?.sequenceNumber ?? ''}`,
        );
      }
    } catch {
      // A payload that does not parse names no records; batchSize still counts them.
    }
  }
  return { key, records, recordKeys };
};

/** The size of a file now (0 if absent): where to start reading what is appended afterwards. */
export const fileSize = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

/** The text appended to a file since `offset`. */
export const readFrom = (path: string, offset: number): string => {
  if (!existsSync(path)) return '';
  const size = statSync(path).size;
  if (size <= offset) return '';
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
};

/**
 * Invocation errors among function log lines: the one JSON line the (local) Lambda runtime writes for an
 * unhandled error, `{"level":"ERROR","errorType":…,"errorMessage":…}`. Handlers' own error logs
 * (powertools, with a message) are not invocation errors.
 */
export const invocationErrors = (logText: string): { errorType: string; errorMessage: string }[] => {
  const errors: { errorType: string; errorMessage: string }[] = [];
  for (const line of logText.split('\n')) {
    if (!line.includes('"errorType"')) continue;
    try {
      const parsed = JSON.parse(line) as { level?: string; errorType?: unknown; errorMessage?: unknown };
      if (parsed.level === 'ERROR' && typeof parsed.errorType === 'string') {
        errors.push({ errorType: parsed.errorType, errorMessage: String(parsed.errorMessage ?? '') });
      }
    } catch {
      // not a JSON line
    }
  }
  return errors;
};
