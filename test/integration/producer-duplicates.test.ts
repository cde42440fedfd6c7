import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../../commands/lake/lake-views.ts';
import type { PolledRecord } from '../../infra/local/esm/kinesis-event.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { Edge, StreamlakeEvent } from '../../schemas/index.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import {
  deliverToConsumer,
  lakeBucketOf,
  putRecords,
  readShards,
  scanRollups,
} from './support/local-cloud-fixture.ts';

const RECEIVED_MS = Date.now() - 60_000;
/** The context the collector adds to the `attempt`th request carrying event `i`: a new request, a later time. */
const edgeOf = (i: number, attempt: number): Edge => ({
  receivedAt: new Date(RECEIVED_MS + attempt * 1000).toISOString(),
  requestId: `request-${i}-${attempt}`,
  sourceIp: i % 2 ? '203.0.113.0' : '2001:db8:85a3::',
  userAgent: 'Mozilla/5.0 (streamlake test)',
  ...(i % 6 === 0 ? { origin: 'http://127.0.0.1:4000' } : {}),
});
/** Every third event came through the collector: the event with the edge context first, as the collector puts it. */
const throughCollector = (event: StreamlakeEvent, i: number, attempt: number): StreamlakeEvent =>
  i % 3 === 0 ? { edge: edgeOf(i, attempt), ...event } : event;

describe('producer duplicates on the local cloud: each event counted and stored once', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-duplicates-'));
  let cloud: LocalCloud;
  const events = sampleEvents(900);
  const firstPut = events.map((event, i) => throughCollector(event, i, 1));
  // A producer's retries: every 7th event again, in a later PutRecords (through the collector: a new request),
  // and every 11th in the same one.
  const retried = events.flatMap((event, i) => (i % 7 === 0 ? [throughCollector(event, i, 2)] : []));
  const sameCall = firstPut.filter((_, i) => i % 11 === 0);
  const duplicatesPut = retried.length + sameCall.length;

  const deliver = (consumer: 'aggregate' | 'archive', shardId: string, polled: PolledRecord[]) =>
    deliverToConsumer(cloud, consumer, shardId, polled);

  beforeAll(async () => {
    // Prepare: the real stack on the real local servers, with duplicates put as producers put them.
    cloud = await LocalCloud.start({ stateDir });
    await putRecords(cloud, asRecords([...firstPut, ...sameCall]));
    await putRecords(cloud, asRecords(retried));
    // Act: each consumer reads every shard in three batches, so copies meet within and across batches.
    for (const [shardId, records] of await readShards(cloud)) {
      const third = Math.ceil(records.length / 3);
      for (const consumer of ['aggregate', 'archive'] as const) {
        for (let at = 0; at < records.length; at += third) {
          await deliver(consumer, shardId, records.slice(at, at + third));
        }
      }
    }
  });
  afterAll(async () => {
    await cloud?.stop();
    if (!process.env.KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  });

  it('counts every event once in the rollups', async () => {
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
  });

  it('stores every event once in the lake', async () => {
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const files = join(stateDir, 's3', lakeBucketOf(cloud), 'lake', '*', '*', '*', '*._S3rver_object');
    const [row] = (
      await db.runAndReadAll(
        `SELECT count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events FROM read_parquet('${files}', union_by_name = true)`,
      )
    ).getRowObjects();
    expect(row).toEqual({ rows: events.length, events: events.length });
  });

  it('stores the edge context of the first copy in the edge columns, DuckDB reading them typed', async () => {
    const lake = await Lake.open({ s3Directory: join(stateDir, 's3'), lakeBucket: lakeBucketOf(cloud) });
    try {
      const rows = await lake.rows(
        `SELECT event_id, edge_request_id, epoch_ms(edge_received_at) AS received_ms, edge_source_ip,
                edge_user_agent, edge_origin, typeof(edge_received_at) AS received_type
           FROM (SELECT * FROM clickstream UNION ALL BY NAME SELECT * FROM telemetry)`,
      );
      const expected = events.map((event, i) => {
        const edge = i % 3 === 0 ? edgeOf(i, 1) : undefined;
        return {
          event_id: event.eventId,
          edge_request_id: edge?.requestId ?? null,
          received_ms: edge ? Date.parse(edge.receivedAt) : null,
          edge_source_ip: edge?.sourceIp ?? null,
          edge_user_agent: edge?.userAgent ?? null,
          edge_origin: edge?.origin ?? null,
          received_type: 'TIMESTAMP',
        };
      });
      const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
        String(a.event_id).localeCompare(String(b.event_id));
      expect(rows.sort(byId)).toEqual(expected.sort(byId));
    } finally {
      lake.close();
    }
  });

  it('reports each duplicate left out, by both consumers', () => {
    expect(cloud.metrics.get('ProducerDuplicates')).toBe(2 * duplicatesPut);
  });
});
