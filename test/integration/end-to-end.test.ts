import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { type GroundTruthEvent, readGroundTruth } from '../../producers/ground-truth.ts';
import { createKinesisClient } from '../../producers/kinesis-client.ts';
import { type ProducerSummary, runProducers } from '../../producers/run-producers.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import { quarantinedRecords, scanRollups, streamOf } from './support/local-cloud-fixture.ts';
import { runUntilDrained } from './support/run-until-drained.ts';

describe('producers → Kinesis → aggregate → DynamoDB on the local cloud', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamlake-e2e-'));
  const groundTruthPath = join(dir, 'ground-truth.jsonl');
  let cloud: LocalCloud;
  let summary: ProducerSummary;

  beforeAll(async () => {
    // Prepare: the simulators write to the real local stream, recording what Kinesis accepted.
    cloud = await LocalCloud.start({ context: { 'streamlake:aggregateBatchingWindowSeconds': 1 } });
    summary = await runProducers({
      client: createKinesisClient({ endpoint: cloud.endpoints.kinesis }),
      streamName: streamOf(cloud).name,
      rate: 2000,
      durationSeconds: 5,
      seed: 7,
      devices: 20,
      poisonRate: 0.01,
      groundTruthPath,
    });
    // Act: the event source mapping drains the stream through the bundled function.
    await runUntilDrained(cloud, summary.sent);
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every record Kinesis accepted was sent, none silently dropped', () => {
    expect(summary.unsentCount).toBe(0);
    expect(summary.sent).toBeGreaterThan(5000);
  });

  it('every rollup equals a naive recount of the ground truth exactly', async () => {
    const truth = await readGroundTruth(groundTruthPath);
    const events = truth
      .filter((entry): entry is GroundTruthEvent => 'event' in entry)
      .map((entry) => entry.event);
    expect(events.length + summary.poisonSent).toBe(summary.sent);
    expect(rollupDifferences(expectedRollups(events), await scanRollups(cloud))).toEqual([]);
  });

  it('every poison record is quarantined with its reason, and nothing else is', async () => {
    const quarantined = await quarantinedRecords(cloud);
    expect(quarantined).toHaveLength(summary.poisonSent);
    const byReason: Record<string, number> = {};
    for (const record of quarantined) byReason[record.reason] = (byReason[record.reason] ?? 0) + 1;
    expect(byReason).toEqual(summary.poisonByKind);
  });
});
