import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { readGroundTruth } from '../../../producers/ground-truth.ts';
import type { PutRecordsSender } from '../../../producers/kinesis-writer.ts';
import type { ProducerProgress } from '../../../producers/progress.ts';
import { runProducers } from '../../../producers/run-producers.ts';

/** Accepts everything, spreading records over two shards, and keeps what it received. */
const acceptingKinesis = () => {
  const received: Uint8Array[] = [];
  let sequence = 0;
  const client: PutRecordsSender = {
    async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
      const entries = command.input.Records ?? [];
      received.push(...entries.map((e) => e.Data ?? new Uint8Array()));
      return {
        $metadata: {},
        Records: entries.map(() => ({
          ShardId: `shardId-00000000000${sequence % 2}`,
          SequenceNumber: String(++sequence).padStart(12, '0'),
        })),
      };
    },
  };
  return { client, received };
};

describe('runProducers', () => {
  it('sends about rate × duration events and counts them by dataset and type', async () => {
    // Prepare
    const kinesis = acceptingKinesis();
    // Act
    const summary = await runProducers({
      client: kinesis.client,
      streamName: 'events',
      rate: 2000,
      durationSeconds: 0.5,
      tickMs: 20,
    });
    // Assess
    expect(summary.stoppedBy).toBe('duration');
    expect(summary.sent).toBeGreaterThanOrEqual(950);
    expect(summary.sent).toBeLessThanOrEqual(1000);
    expect(summary.unsentCount).toBe(0);
    expect(summary.byDataset.clickstream + summary.byDataset.telemetry).toBe(summary.sent);
    expect(Object.values(summary.byType).reduce((a, b) => a + b, 0)).toBe(summary.sent);
    expect(kinesis.received).toHaveLength(summary.sent);
  });

  it('stops after maxEvents and writes the ground truth of exactly what was accepted', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'streamlake-run-'));
    const groundTruthPath = join(dir, 'truth.jsonl');
    const kinesis = acceptingKinesis();
    try {
      // Act
      const summary = await runProducers({
        client: kinesis.client,
        streamName: 'events',
        rate: 50_000,
        maxEvents: 3000,
        poisonRate: 0.05,
        groundTruthPath,
        tickMs: 10,
      });
      const truth = await readGroundTruth(groundTruthPath);
      // Assess
      expect(summary).toMatchObject({ stoppedBy: 'max-events', generated: 3000, sent: 3000 });
      expect(truth).toHaveLength(3000);
      expect(truth.filter((t) => 'poison' in t)).toHaveLength(summary.poisonSent);
      expect(summary.poisonSent).toBeGreaterThan(0);
      expect(new Set(truth.map((t) => `${t.shardId}/${t.sequenceNumber}`)).size).toBe(3000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on abort, sending what was already generated', async () => {
    // Prepare
    const kinesis = acceptingKinesis();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 150);
    // Act
    const summary = await runProducers({
      client: kinesis.client,
      streamName: 'events',
      rate: 1000,
      forever: true,
      signal: stop.signal,
    });
    // Assess
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.sent).toBe(summary.generated);
    expect(summary.sent).toBeGreaterThan(0);
  });

  it('stops early when the stream does not exist, and reports each unsent record', async () => {
    // Prepare
    const missing: PutRecordsSender = {
      send: async () => {
        throw Object.assign(new Error('Stream nope under account 000000000000 not found.'), {
          name: 'ResourceNotFoundException',
        });
      },
    };
    // Act
    const summary = await runProducers({
      client: missing,
      streamName: 'nope',
      rate: 1000,
      durationSeconds: 30,
    });
    // Assess
    expect(summary.stoppedBy).toBe('fatal-error');
    expect(summary.elapsedMs).toBeLessThan(5000);
    expect(summary.fatalError).toContain('ResourceNotFoundException');
    expect(summary.unsentCount).toBe(summary.generated);
    expect(summary.unsent[0]).toMatchObject({ errorCode: 'ResourceNotFoundException', attempts: 1 });
  });

  it('reports progress while running and once at the end', async () => {
    // Prepare
    const seen: ProducerProgress[] = [];
    // Act
    const summary = await runProducers({
      client: acceptingKinesis().client,
      streamName: 'events',
      rate: 1000,
      durationSeconds: 0.3,
      onProgress: (p) => seen.push(p),
    });
    // Assess
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toMatchObject({ sent: summary.sent, failed: 0, pending: 0 });
  });

  it('refuses an out-of-range rate, naming the value', async () => {
    // Act / Assess
    await expect(
      runProducers({ client: acceptingKinesis().client, streamName: 'events', rate: 0 }),
    ).rejects.toThrow('rate must be between 1 and 1000000 inclusive (given 0)');
  });
});
