import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { type GroundTruthEvent, readGroundTruth } from '../../producers/ground-truth.ts';
import { type ProducerSummary, runProducers } from '../../producers/run-producers.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { DEFAULT_BATCH } from '../../tracker/src/options.ts';
import { readShards, streamOf } from './support/local-cloud-fixture.ts';

interface Stored {
  readonly text: string;
  readonly value?: { edge?: Record<string, string>; events?: StreamlakeEvent[] } & Partial<StreamlakeEvent>;
}

/** The clickstream through the local collector's server route (API key), devices and poison to Kinesis directly. */
describe('producers sending the clickstream through the local web collector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlake-collector-writer-'));
  const groundTruthPath = join(dir, 'truth.jsonl');
  let cloud: LocalCloud;
  let summary: ProducerSummary;
  let stored: Stored[];
  let truth: GroundTruthEvent[];

  beforeAll(async () => {
    // Prepare
    cloud = await LocalCloud.start();
    const serverRoute = (cloud.collectorUrl ?? '').replace(/v1\/events$/, 'v1/server/events');
    const apiKey = [...(cloud.restApis?.apiKeys.values() ?? [])][0];
    expect(apiKey).toBeTruthy();
    // Act
    summary = await runProducers({
      client: cloud.clients.kinesis,
      streamName: streamOf(cloud).name,
      rate: 1000,
      maxEvents: 1500,
      durationSeconds: 30,
      seed: 11,
      devices: 10,
      poisonRate: 0.02,
      groundTruthPath,
      collector: { url: serverRoute, ...(apiKey ? { apiKey } : {}) },
    });
    const records = [...(await readShards(cloud)).values()].flat();
    stored = records.map((record) => {
      const text = Buffer.from(record.data, 'base64').toString('utf8');
      try {
        return { text, value: JSON.parse(text) };
      } catch {
        return { text };
      }
    });
    truth = (await readGroundTruth(groundTruthPath)).filter((e): e is GroundTruthEvent => 'event' in e);
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends every record, the clickstream through the edge', () => {
    expect(summary.stoppedBy).toBe('max-events');
    expect(summary.unsentCount).toBe(0);
    expect(summary.sent).toBe(1500);
    expect(summary.poisonSent).toBeGreaterThan(0);
    expect(summary.edge?.accepted).toBe(summary.byDataset.clickstream);
    expect(summary.edge?.requests).toBeGreaterThanOrEqual(
      Math.ceil(summary.byDataset.clickstream / DEFAULT_BATCH.maxEvents),
    );
    // A collector request is one record, so the stream holds fewer records than events were sent.
    const batches = stored.filter((s) => s.value?.events);
    expect(batches).toHaveLength(summary.edge?.requests ?? -1);
    expect(stored.length - batches.length).toBe(summary.sent - summary.byDataset.clickstream);
  });

  it('puts every clickstream event in the stream once, as sent, in a batch record with the edge context once', () => {
    const batches = stored.filter((s) => s.value?.events);
    const sentWeb = truth.filter((t) => t.event.schema.startsWith('clickstream.'));
    const viaEdge = batches.flatMap((s) =>
      (s.value?.events ?? []).map((event) => ({ event, edge: s.value?.edge })),
    );
    expect(viaEdge).toHaveLength(summary.byDataset.clickstream);
    expect(sentWeb).toHaveLength(summary.byDataset.clickstream);
    const byId = new Map(viaEdge.map((s) => [s.event.eventId, s]));
    expect(byId.size).toBe(viaEdge.length);
    for (const batch of batches) {
      expect(Object.keys(batch.value ?? {})).toEqual(['edge', 'events']);
      expect(batch.value?.edge).toMatchObject({ sourceIp: '127.0.0.0', userAgent: 'streamlake-produce' });
      expect(batch.value?.edge?.origin).toBeUndefined();
      expect(batch.value?.events?.length).toBeLessThanOrEqual(DEFAULT_BATCH.maxEvents);
    }
    for (const { event } of sentWeb) expect(byId.get(event.eventId)?.event).toEqual(event);
    // The collector does not say where Kinesis put them; the ground truth says so by leaving it out.
    expect(sentWeb.every((t) => t.shardId === undefined)).toBe(true);
  });

  it('puts device events and poison records in the stream directly, without edge context', () => {
    const direct = stored.filter((s) => !s.value?.edge);
    expect(direct).toHaveLength(summary.byDataset.telemetry + summary.poisonSent);
    expect(direct.every((s) => !s.text.includes('"edge"'))).toBe(true);
    const devices = truth.filter((t) => t.event.schema.startsWith('telemetry.'));
    expect(devices.every((t) => typeof t.shardId === 'string')).toBe(true);
    const directIds = new Set(direct.map((s) => s.value?.eventId));
    expect(devices.every((t) => directIds.has(t.event.eventId))).toBe(true);
  });
});
