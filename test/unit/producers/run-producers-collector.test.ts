import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import type { CollectorFetch } from '../../../producers/collector-request.ts';
import { runProducers } from '../../../producers/run-producers.ts';
import { formatSummary } from '../../../producers/summary-text.ts';
import type { PutRecordsSender } from '../../../producers/write-outcome.ts';
import { datasetOf, type StreamlakeEvent } from '../../../schemas/index.ts';

const URL = 'https://collector.test/prod/v1/server/events';

/** Accepts everything and keeps the records' bytes. */
const acceptingKinesis = () => {
  const received: string[] = [];
  let sequence = 0;
  const client: PutRecordsSender = {
    async send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
      const entries = command.input.Records ?? [];
      received.push(...entries.map((e) => new TextDecoder().decode(e.Data)));
      return {
        $metadata: {},
        Records: entries.map(() => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(++sequence) })),
      };
    },
  };
  return { client, received };
};

/** A collector that accepts every batch (or answers `status` to all) and keeps the events it took. */
const fakeCollector = (status = 200) => {
  const events: StreamlakeEvent[] = [];
  let requests = 0;
  const fetch: CollectorFetch = async (_url, init) => {
    requests++;
    const batch = JSON.parse(new TextDecoder().decode(init.body)) as StreamlakeEvent[];
    if (status !== 200) return new Response(JSON.stringify({ message: 'Forbidden' }), { status });
    events.push(...batch);
    return new Response(JSON.stringify({ accepted: batch.length, refused: [] }), { status: 200 });
  };
  return { fetch, events, requests: () => requests };
};

const quick = { rate: 2000, maxEvents: 600, durationSeconds: 5, tickMs: 20, seed: 5 } as const;

describe('runProducers with a collector', () => {
  it('sends the clickstream through the collector and devices and poison to Kinesis, tallied as one run', async () => {
    // Prepare
    const kinesis = acceptingKinesis();
    const collector = fakeCollector();
    // Act
    const summary = await runProducers({
      ...quick,
      client: kinesis.client,
      streamName: 'events',
      poisonRate: 0.05,
      collector: { url: URL, apiKey: 'k', fetch: collector.fetch },
    });
    // Assess
    expect(summary.unsentCount).toBe(0);
    expect(summary.sent).toBe(600);
    expect(collector.events.length).toBe(summary.byDataset.clickstream);
    expect(collector.events.every((e) => datasetOf(e.schema) === 'clickstream')).toBe(true);
    const direct = kinesis.received.map((text) => {
      try {
        return JSON.parse(text) as StreamlakeEvent;
      } catch {
        return undefined;
      }
    });
    expect(kinesis.received.length).toBe(summary.byDataset.telemetry + summary.poisonSent);
    expect(summary.poisonSent).toBeGreaterThan(0);
    // Web records in Kinesis are poison only (spoiled web events keep their sessionId).
    expect(direct.filter((e) => e && 'sessionId' in e).length).toBeLessThanOrEqual(summary.poisonSent);
    expect(summary.edge).toMatchObject({ requests: collector.requests(), accepted: collector.events.length });
    expect(formatSummary(summary)).toContain(`edge: ${collector.requests()} requests`);
  });

  it('needs no stream when every event is a web event', async () => {
    // Prepare
    const collector = fakeCollector();
    // Act
    const summary = await runProducers({
      ...quick,
      clickstreamShare: 1,
      collector: { url: URL, apiKey: 'k', fetch: collector.fetch },
    });
    // Assess
    expect(summary.sent).toBe(600);
    expect(collector.events).toHaveLength(600);
  });

  it('refuses to start without a stream when devices or poison would need one', async () => {
    const collector = { url: URL, apiKey: 'k', fetch: fakeCollector().fetch };
    await expect(runProducers({ ...quick, collector })).rejects.toThrow('give the client and streamName too');
    await expect(runProducers({ ...quick, clickstreamShare: 1, poisonRate: 0.1, collector })).rejects.toThrow(
      'devices and poison records go to Kinesis directly',
    );
    await expect(runProducers({ ...quick })).rejects.toThrow('give the client and streamName');
  });

  it('stops the run when the collector refuses the key, naming the URL', async () => {
    // Prepare
    const collector = fakeCollector(403);
    // Act
    const summary = await runProducers({
      ...quick,
      maxEvents: undefined,
      clickstreamShare: 1,
      collector: { url: URL, apiKey: 'wrong', fetch: collector.fetch },
    });
    // Assess
    expect(summary.stoppedBy).toBe('fatal-error');
    expect(summary.fatalError).toContain(
      `Collector403: the collector at ${URL} refused the request (HTTP 403: Forbidden)`,
    );
    expect(summary.edge?.refusedByReason.forbidden).toBeGreaterThan(0);
  });
});
