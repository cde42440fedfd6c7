import type { PutRecordsCommand, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectorFetch } from '../../../producers/collector-request.ts';
import { SingleDeviceSource } from '../../../producers/device-source.ts';
import { runProducers } from '../../../producers/run-producers.ts';
import type { RecordSource } from '../../../producers/source.ts';
import type { PutRecordsSender } from '../../../producers/write-outcome.ts';
import { datasetOf, type StreamlakeEvent } from '../../../schemas/index.ts';
import { eventsIn, MemoryBroker, memoryCredentials } from '../support/memory-broker.ts';

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

const acceptingCollector = () => {
  const events: StreamlakeEvent[] = [];
  const fetch: CollectorFetch = async (_url, init) => {
    const batch = JSON.parse(new TextDecoder().decode(init.body)) as StreamlakeEvent[];
    events.push(...batch);
    return new Response(JSON.stringify({ accepted: batch.length, refused: [] }), { status: 200 });
  };
  return { fetch, events };
};

const quick = { rate: 2000, maxEvents: 600, durationSeconds: 5, tickMs: 20, seed: 9, devices: 5 } as const;

const brokers: MemoryBroker[] = [];
const startedBroker = async () => {
  const broker = await MemoryBroker.started();
  brokers.push(broker);
  return broker;
};
afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.stop();
});

const deviceEdgeOn = (broker: MemoryBroker) => ({ credentials: memoryCredentials, connect: broker.connect });

describe('runProducers with a device edge', () => {
  it('sends device telemetry over MQTT, the clickstream through the collector and poison to Kinesis, tallied as one run', async () => {
    // Prepare
    const broker = await startedBroker();
    const kinesis = acceptingKinesis();
    const collector = acceptingCollector();
    // Act
    const summary = await runProducers({
      ...quick,
      client: kinesis.client,
      streamName: 'events',
      poisonRate: 0.05,
      collector: { url: 'https://collector.test/prod/v1/server/events', apiKey: 'k', fetch: collector.fetch },
      deviceEdge: deviceEdgeOn(broker),
    });
    // Assess
    expect(summary.unsentCount).toBe(0);
    expect(summary.sent).toBe(600);
    const published = await broker.tookEvents<StreamlakeEvent>(summary.byDataset.telemetry);
    expect(published).toHaveLength(summary.byDataset.telemetry);
    expect(broker.messages.every((m) => m.topic === `streamlake/devices/${m.clientId}/telemetry`)).toBe(true);
    expect(published.every((e) => datasetOf(e.schema) === 'telemetry' && 'deviceId' in e)).toBe(true);
    // Each message holds one device's events, several of them.
    for (const message of broker.messages) {
      expect(eventsIn<{ deviceId: string }>([message]).every((e) => e.deviceId === message.clientId)).toBe(
        true,
      );
    }
    expect(broker.messages.length).toBeLessThan(summary.byDataset.telemetry);
    expect(collector.events.length).toBe(summary.byDataset.clickstream);
    expect(kinesis.received.length).toBe(summary.poisonSent);
    expect(summary.devices).toMatchObject({
      devices: 5,
      published: broker.messages.length,
      publishedEvents: summary.byDataset.telemetry,
      connected: 0,
    });
  });

  it('needs no stream when devices publish over MQTT and nothing else goes to Kinesis', async () => {
    // Prepare
    const broker = await startedBroker();
    // Act
    const summary = await runProducers({ ...quick, clickstreamShare: 0, deviceEdge: deviceEdgeOn(broker) });
    // Assess
    expect(summary.sent).toBe(600);
    expect(await broker.tookEvents(600)).toHaveLength(600);
  });

  it('refuses to start without a stream when web events or poison would need one', async () => {
    const broker = await startedBroker();
    await expect(runProducers({ ...quick, deviceEdge: deviceEdgeOn(broker) })).rejects.toThrow(
      'or a collector to send web events through',
    );
    await expect(
      runProducers({ ...quick, clickstreamShare: 0, poisonRate: 0.1, deviceEdge: deviceEdgeOn(broker) }),
    ).rejects.toThrow('give the client and streamName');
  });

  it('goes on when the broker refuses one device: its records are unsent, the run is not stopped', async () => {
    // Prepare
    const broker = await startedBroker();
    broker.authenticate = (client, _username, _password, done) =>
      client.id === 'dev-0002'
        ? done(Object.assign(new Error('revoked'), { returnCode: 5 }), false)
        : done(null, true);
    // Act
    const summary = await runProducers({ ...quick, clickstreamShare: 0, deviceEdge: deviceEdgeOn(broker) });
    // Assess
    expect(summary.stoppedBy).toBe('max-events');
    expect(summary.unsentByError).toEqual({ DeviceRefused: summary.unsentCount });
    expect(summary.unsent.every((u) => u.partitionKey === 'dev-0002')).toBe(true);
    expect(summary.sent + summary.unsentCount).toBe(600);
    expect(summary.devices).toMatchObject({ refusedDevices: 1, refused: summary.unsentCount });
  });

  it('stops a custom source whose records would need the stream it was not given, naming why', async () => {
    // Prepare: a sensor whose every fifth record is spoiled, so it goes to Kinesis directly.
    const broker = await startedBroker();
    const sensor = new SingleDeviceSource('sensor-1', 5);
    let made = 0;
    const source: RecordSource = {
      next: (nowMs) => {
        const record = sensor.next(nowMs);
        return ++made % 5 === 0 ? { ...record, event: undefined, poison: 'invalid-json' } : record;
      },
    };
    // Act
    const summary = await runProducers({ ...quick, source, deviceEdge: deviceEdgeOn(broker) });
    // Assess
    expect(summary.stoppedBy).toBe('fatal-error');
    expect(summary.fatalError).toContain('NoTarget: this record goes to Kinesis directly');
    expect(summary.byDataset.telemetry).toBeGreaterThan(0);
  });
});
