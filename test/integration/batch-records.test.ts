import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../../commands/lake/lake-views.ts';
import type { PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { type Edge, eventBatchJson, type StreamlakeEvent } from '../../schemas/index.ts';
import { partitionKeyOf, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import {
  deliverToConsumer,
  lakeBucketOf,
  putRecords,
  quarantinedRecords,
  readShards,
  scanRollups,
} from './support/local-cloud-fixture.ts';

const edgeOf = (request: number): Edge => ({
  receivedAt: new Date(Date.now() - 30_000).toISOString(),
  requestId: `request-${request}`,
  sourceIp: '203.0.113.0',
  userAgent: 'Mozilla/5.0 (streamlake test)',
});

/**
 * Several events per Kinesis record (D36) on the real stack and the real local servers: batches of 40 events
 * through an edge and without one, a bad event inside a batch, an event twice in one batch and a whole batch
 * resent (a tracker retry). Every good event is counted and stored once, each bad one quarantined alone.
 */
describe('batch records on the local cloud: each event of a batch counted once, bad ones quarantined alone', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-batches-'));
  let cloud: LocalCloud;
  const events = sampleEvents(400);
  const batches = Array.from({ length: 10 }, (_, i) => events.slice(i * 40, i * 40 + 40));
  const bad = { ...(events[0] as StreamlakeEvent), eventId: 'not-a-uuid' };
  const records = batches.map((batch, i) => ({
    data: eventBatchJson(
      i === 3 ? [...batch.slice(0, 20), bad, ...batch.slice(20)] : batch,
      i % 2 ? undefined : edgeOf(i),
    ),
    partitionKey: partitionKeyOf(batch[0] as StreamlakeEvent),
  }));
  // The first batch resent whole through the edge (a new request), and one event twice within a batch.
  const resent = {
    data: eventBatchJson(batches[0] ?? [], edgeOf(100)),
    partitionKey: records[0]?.partitionKey ?? '',
  };
  const extra = sampleEvents(1)[0] as StreamlakeEvent;
  const twice = { data: eventBatchJson([extra, extra]), partitionKey: partitionKeyOf(extra) };

  const deliver = (consumer: 'aggregate' | 'archive', shardId: string, polled: PolledRecord[]) =>
    deliverToConsumer(cloud, consumer, shardId, polled);

  beforeAll(async () => {
    cloud = await LocalCloud.start({ stateDir });
    await putRecords(cloud, [...records, resent, twice]);
    for (const [shardId, polled] of await readShards(cloud)) {
      for (const consumer of ['aggregate', 'archive'] as const) await deliver(consumer, shardId, polled);
    }
  });
  afterAll(async () => {
    await cloud?.stop();
    if (!process.env.KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  });

  it('counts every good event of every batch once in the rollups', async () => {
    expect(rollupDifferences(expectedRollups([...events, extra]), await scanRollups(cloud))).toEqual([]);
  });

  it('stores every event once in the lake, with its batch edge', async () => {
    const lake = await Lake.open({ s3Directory: join(stateDir, 's3'), lakeBucket: lakeBucketOf(cloud) });
    try {
      const rows = await lake.rows(
        `SELECT event_id, edge_request_id FROM (SELECT * FROM clickstream UNION ALL BY NAME SELECT * FROM telemetry)`,
      );
      expect(rows).toHaveLength(events.length + 1);
      const requestOf = new Map(rows.map((row) => [row.event_id, row.edge_request_id]));
      expect(requestOf.get(events[0]?.eventId)).toBe('request-0');
      expect(requestOf.get(events[40]?.eventId)).toBeNull();
      expect(requestOf.get(events[80]?.eventId)).toBe('request-2');
    } finally {
      lake.close();
    }
  });

  it('quarantines the bad event alone, by each consumer, with its index and its own JSON', async () => {
    const quarantined = (await quarantinedRecords(cloud)) as {
      reason: string;
      index?: number;
      data: string;
    }[];
    expect(quarantined.map((r) => [r.reason, r.index])).toEqual([
      ['schema-violation', 20],
      ['schema-violation', 20],
    ]);
    const data = JSON.parse(Buffer.from(quarantined[0]?.data ?? '', 'base64').toString('utf8'));
    // Batch 3 came without an edge (odd batches), so the event is quarantined exactly as it was sent.
    expect(data).toEqual(bad);
  });

  it('reports the resent batch and the event sent twice as duplicates, by both consumers', () => {
    expect(cloud.metrics.get('ProducerDuplicates')).toBe(2 * (40 + 1));
  });
});
