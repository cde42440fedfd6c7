import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { measureAttribute, ROLLUPS, type RollupDefinition } from '../rollups/rollups.ts';

/** What one stream record changed in one minute rollup item. */
export interface MinuteChange {
  /** `dynamodb.SequenceNumber` of the stream record: the batch-failure identifier and the mark. */
  readonly sequenceNumber: string;
  readonly rollup: RollupDefinition;
  /** `page_views#/home`, as in the rollups table. */
  readonly pk: string;
  /** The minute, as the rollups table's sk: `2026-11-22T05:06Z`. */
  readonly minute: string;
  readonly windowStartMs: number;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Counts and sums: new − old (what this change added). min/max: the new image's extremes. */
  readonly delta: Readonly<Record<string, number>>;
  /** Every measure of the new image: the minute so far, for device state and alerts. */
  readonly latest: Readonly<Record<string, number>>;
  /**
   * The old image's `count`; absent for the item's first image (INSERT). Chains the images of one item, so an
   * alert's cached state can tell that no other environment folded an image of it in between.
   */
  readonly previousCount?: number;
}

export interface MinuteChanges {
  readonly changes: MinuteChange[];
  /** REMOVE (TTL expiry) records, records without a new image and items of unknown rollups. */
  readonly ignored: number;
}

type Image = Parameters<typeof unmarshall>[0];
const BY_NAME = new Map(ROLLUPS.map((rollup) => [rollup.name, rollup]));

const numberOf = (image: Record<string, unknown> | undefined, attribute: string): number | undefined => {
  const value = image?.[attribute];
  return typeof value === 'number' ? value : undefined;
};

/**
 * The change one INSERT or MODIFY made to a minute rollup item, or undefined for anything else.
 * A TTL expiry (REMOVE) takes nothing back: derived rollups outlive their minutes on purpose.
 */
export const minuteChangeOf = (
  record: DynamoDBRecord,
  rollups: ReadonlyMap<string, RollupDefinition> = BY_NAME,
): MinuteChange | undefined => {
  if (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') return undefined;
  const stream = record.dynamodb;
  if (!stream?.NewImage || !stream.SequenceNumber) return undefined;
  const next = unmarshall(stream.NewImage as Image);
  const previous = stream.OldImage ? unmarshall(stream.OldImage as Image) : undefined;
  const rollup = rollups.get(String(next.rollup));
  if (!rollup || typeof next.pk !== 'string' || typeof next.sk !== 'string') return undefined;
  const windowStartMs = Date.parse(next.sk);
  if (Number.isNaN(windowStartMs)) return undefined;

  const dimensions: Record<string, string> = {};
  for (const dimension of rollup.dimensions) dimensions[dimension] = String(next[dimension] ?? '');
  const delta: Record<string, number> = {};
  const latest: Record<string, number> = {};
  for (const measure of rollup.measures) {
    const attribute = measureAttribute(measure);
    const now = numberOf(next, attribute);
    if (now === undefined) continue;
    latest[attribute] = now;
    delta[attribute] =
      measure.kind === 'count' || measure.kind === 'sum' ? now - (numberOf(previous, attribute) ?? 0) : now;
  }
  const previousCount = previous ? (numberOf(previous, 'count') ?? 0) : undefined;
  return {
    sequenceNumber: stream.SequenceNumber,
    rollup,
    pk: next.pk,
    minute: next.sk,
    windowStartMs,
    dimensions,
    delta,
    latest,
    ...(previousCount !== undefined && { previousCount }),
  };
};

/** The changes of a batch in stream order, and how many records carried none. */
export const minuteChangesOf = (records: readonly DynamoDBRecord[]): MinuteChanges => {
  const changes: MinuteChange[] = [];
  for (const record of records) {
    const change = minuteChangeOf(record);
    if (change) changes.push(change);
  }
  return { changes, ignored: records.length - changes.length };
};

/**
 * `arn:…:table/Rollups/stream/2026-11-22T05:00:00.000` → `2026-11-22T05:00:00.000`. Lambda's DynamoDB
 * records carry no shard id; the stream label names the sequence-number space the marks are kept in.
 */
export const streamLabelOf = (eventSourceARN: string | undefined): string => {
  const label = eventSourceARN?.split('/stream/')[1];
  if (!label) {
    throw new Error(
      `eventSourceARN must be a DynamoDB stream ARN ending in /stream/<label> (given ${JSON.stringify(eventSourceARN)})`,
    );
  }
  return label;
};
