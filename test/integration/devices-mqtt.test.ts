import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../../commands/lake/lake-views.ts';
import { expectedRollups, rollupDifferences } from '../../commands/verify/ground-truth-rollups.ts';
import { scanRollupTable } from '../../commands/verify/verify-local.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import { deviceTopic, type LocalIot } from '../../infra/local/iot/local-iot.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { type GroundTruthEvent, readGroundTruth } from '../../producers/ground-truth.ts';
import type { RunProducersOptions } from '../../producers/run-options.ts';
import { runProducers } from '../../producers/run-producers.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { eventually, lakeBucketOf, quarantinedRecords, readShards } from './support/local-cloud-fixture.ts';
import { waitUntilProcessed } from './support/stream-processed.ts';
import { TcpRelay } from './support/tcp-relay.ts';

/** Conditions, not clocks: each wait ends as soon as it holds; this only bounds a run that went wrong. */
const WAIT_MS = 60_000;

/**
 * A record of the event stream: where it is, and the JSON the rule put there — one device message: a batch
 * `{"events":[…],"edge":{…}}` (docs/decisions.md, D36), or one event plus `edge` when the device sends them bare.
 */
interface Streamed {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly body: { readonly events?: StreamlakeEvent[]; readonly edge?: Record<string, string> };
}

/** An event of the stream, with the record that carried it. */
interface StreamedEvent {
  readonly record: Streamed;
  readonly event: StreamlakeEvent;
}

const streamed = async (cloud: LocalCloud): Promise<Streamed[]> =>
  [...(await readShards(cloud))].flatMap(([shardId, records]) =>
    records.map((record) => ({
      shardId,
      partitionKey: record.partitionKey,
      body: JSON.parse(Buffer.from(record.data, 'base64').toString('utf8')),
    })),
  );

/** The events the records carry, in stream order: a batch's events, or the record's one event without its edge. */
const eventsOf = (records: readonly Streamed[]): StreamedEvent[] =>
  records.flatMap((record) => {
    const { events, edge: _edge, ...bare } = record.body;
    return (events ?? [bare as StreamlakeEvent]).map((event) => ({ record, event }));
  });

/** How many times the stream carries each event id. */
const copiesById = (records: readonly Streamed[]) => {
  const copies = new Map<string, number>();
  for (const { event } of eventsOf(records)) copies.set(event.eventId, (copies.get(event.eventId) ?? 0) + 1);
  return copies;
};

const deviceOf = (event: StreamlakeEvent) => (event as StreamlakeEvent & { deviceId: string }).deviceId;

describe('simulated devices over MQTT through the local IoT Core, into the rollups and the lake', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-devices-mqtt-'));
  const consumers = new AbortController();
  let cloud: LocalCloud;
  let iot: LocalIot;
  let running: Promise<void> | undefined;
  /** Every event a device had a PUBACK for and the rule put into the stream, over the runs of this file. */
  const delivered: StreamlakeEvent[] = [];

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      stateDir,
      fresh: true,
      // Fault proxies in front of the services: the last test throttles the Kinesis action's puts.
      faults: true,
      context: {
        'streamlake:aggregateBatchingWindowSeconds': 1,
        'streamlake:archiveBatchingWindowSeconds': 1,
      },
    });
    if (!cloud.iot) throw new Error('the stack declares a device policy, yet the local cloud runs no broker');
    iot = cloud.iot;
    const { aggregate, archive } = cloud.resources.mappings;
    running = cloud.runMappings(consumers.signal, {
      include: (id) => id === aggregate.id || id === archive.id,
    });
  });
  afterAll(async () => {
    consumers.abort();
    await running?.catch(() => undefined);
    await cloud?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** Device telemetry only, every record over MQTT; the events that got their PUBACK, from the ground truth. */
  const produce = async (run: string, options: Partial<RunProducersOptions>) => {
    const groundTruthPath = join(stateDir, `${run}.truth.jsonl`);
    const summary = await runProducers({
      clickstreamShare: 0,
      poisonRate: 0,
      durationSeconds: 60,
      groundTruthPath,
      deviceEdge: { credentials: (deviceId) => iot.register(deviceId) },
      ...options,
    });
    const events = (await readGroundTruth(groundTruthPath))
      .filter((entry): entry is GroundTruthEvent => 'event' in entry)
      .map((entry) => entry.event);
    return { summary, events };
  };

  /** Waits until the consumers have processed the stream, then compares rollups and lake with `delivered`. */
  const expectEachDeliveredEventCountedOnce = async () => {
    const ids = delivered.map((event) => event.eventId).sort();
    await eventually(
      async () => {
        const inStream = copiesById(await streamed(cloud));
        return ids.every((id) => inStream.has(id));
      },
      WAIT_MS,
      `${ids.length} device events in the stream`,
    );
    const { aggregate, archive } = cloud.resources.mappings;
    await waitUntilProcessed(cloud, [aggregate.id, archive.id], WAIT_MS);
    expect(await quarantinedRecords(cloud)).toEqual([]);

    const rollups = await scanRollupTable(cloud.clients.documents, cloud.resources.rollupsTable.name);
    expect(rollupDifferences(expectedRollups(delivered), rollups)).toEqual([]);

    const lake = await Lake.open(readCloudState(stateDir));
    try {
      const rows = await lake.rows(
        'SELECT event_id, count(*) AS copies, min(device_id) AS device_id, min(edge_client_id) AS client_id, min(edge_topic) AS topic FROM telemetry GROUP BY event_id',
      );
      expect(rows.map((row) => String(row.event_id)).sort()).toEqual(ids);
      expect(rows.filter((row) => row.copies !== 1)).toEqual([]);
      expect(
        rows.filter(
          (row) => row.client_id !== row.device_id || row.topic !== deviceTopic(String(row.device_id)),
        ),
      ).toEqual([]);
    } finally {
      lake.close();
    }
  };

  it('every reading a device had a PUBACK for reaches the stream once, in the device’s order, with its client id and topic; rollups and lake hold each once', async () => {
    // Prepare
    const before = iot.figures();

    // Act: the devices batch their readings, as they do by default.
    const { summary, events } = await produce('steady', { devices: 4, rate: 200, maxEvents: 300, seed: 13 });

    // Assess: the devices' view and the broker's agree, message for message.
    expect(summary).toMatchObject({ stoppedBy: 'max-events', sent: 300, unsentCount: 0 });
    expect(summary.devices).toMatchObject({
      devices: 4,
      publishedEvents: 300,
      resent: 0,
      dropped: 0,
      refusedDevices: 0,
    });
    const messages = summary.devices?.published ?? 0;
    expect(messages).toBeGreaterThanOrEqual(4);
    expect(messages).toBeLessThan(300);
    expect(events).toHaveLength(300);
    const after = iot.figures();
    expect(after.connections - before.connections).toBe(4);
    expect(after.messagesIn - before.messagesIn).toBe(messages);
    expect(after).toMatchObject({
      refusedConnections: 0,
      refusedPublishes: 0,
      ruleErrors: 0,
      actionFailures: 0,
    });
    delivered.push(...events);

    // Assess: one record per message, a batch of one device's readings with the edge once; each reading in the
    // stream once, unchanged, keyed and ordered by device.
    await eventually(
      async () => eventsOf(await streamed(cloud)).length >= events.length,
      WAIT_MS,
      `${events.length} events in the stream`,
    );
    const records = await streamed(cloud);
    expect(records).toHaveLength(messages);
    for (const { partitionKey, body } of records) {
      expect(Object.keys(body).sort()).toEqual(['edge', 'events']);
      expect(body.edge).toMatchObject({ clientId: partitionKey, topic: deviceTopic(partitionKey) });
      expect(body.events?.every((event) => deviceOf(event) === partitionKey)).toBe(true);
    }
    const byId = new Map(
      eventsOf(records).map((streamedEvent) => [streamedEvent.event.eventId, streamedEvent]),
    );
    for (const event of events) expect(byId.get(event.eventId)?.event).toEqual(event);
    for (const deviceId of new Set(events.map(deviceOf))) {
      const sentOrder = events.filter((e) => deviceOf(e) === deviceId).map((e) => e.eventId);
      const streamOrder = eventsOf(records.filter((r) => r.partitionKey === deviceId)).map(
        (e) => e.event.eventId,
      );
      expect(streamOrder).toEqual(sentOrder);
    }
    await expectEachDeliveredEventCountedOnce();
  });

  it('the broker restarted while devices publish, with PUBACKs in flight: devices reconnect and resend, the redelivered readings counted once', async () => {
    // Prepare: devices connect through a relay that can hold back the broker's PUBACKs.
    const relay = await TcpRelay.start(Number(new URL(iot.url).port));
    const before = iot.figures();
    const recordsBefore = (await streamed(cloud)).length;
    let restart:
      | Promise<{ heldConnections: number; takenWhileHeld: number; publishedBefore: number }>
      | undefined;
    /**
     * The broker takes messages (the rule puts them into the stream) while their PUBACKs are held on the way;
     * then it restarts and the connections drop: those acknowledgements are lost, so the devices must resend.
     */
    const restartWithAcksInFlight = async (publishedBefore: number) => {
      const heldConnections = relay.holdReplies();
      const taken = iot.figures().messagesIn;
      await eventually(
        () => iot.figures().messagesIn >= taken + 10,
        WAIT_MS,
        'the broker to take 10 messages whose PUBACKs are held',
      );
      const takenWhileHeld = iot.figures().messagesIn - taken;
      await iot.restart();
      return { heldConnections, takenWhileHeld, publishedBefore };
    };

    // Act
    let summary: Awaited<ReturnType<typeof produce>>['summary'];
    let events: StreamlakeEvent[];
    try {
      ({ summary, events } = await produce('restart', {
        devices: 5,
        rate: 300,
        maxEvents: 900,
        seed: 17,
        deviceEdge: {
          credentials: async (deviceId) => ({
            ...(await iot.register(deviceId)),
            endpoint: `mqtts://127.0.0.1:${relay.port}`,
          }),
        },
        onProgress: (progress) => {
          if (!restart && progress.sent >= 150)
            restart = restartWithAcksInFlight(progress.devices?.publishedEvents ?? 0);
        },
      }));
    } finally {
      await relay.stop();
    }
    const restarted = await restart;

    // Assess: the broker restarted mid-stream; every device came back and every reading was acknowledged.
    expect(restarted).toBeDefined();
    expect(restarted?.heldConnections).toBe(5);
    expect(restarted?.publishedBefore).toBeLessThan(900);
    expect(summary).toMatchObject({ stoppedBy: 'max-events', sent: 900, unsentCount: 0 });
    expect(summary.devices).toMatchObject({
      devices: 5,
      publishedEvents: 900,
      dropped: 0,
      refusedDevices: 0,
    });
    expect(summary.devices?.reconnects).toBeGreaterThanOrEqual(5);
    const after = iot.figures();
    expect(after.connections - before.connections).toBeGreaterThanOrEqual(10);
    expect(after.refusedConnections).toBe(before.refusedConnections);
    expect(events).toHaveLength(900);
    delivered.push(...events);

    // Assess: what the broker took while the PUBACKs were held is in the stream twice, under the same event ids:
    // every message the broker took is one record, resent messages whole.
    const messagesIn = after.messagesIn - before.messagesIn;
    await eventually(
      async () => (await streamed(cloud)).length - recordsBefore >= messagesIn,
      WAIT_MS,
      'every message the broker took in the stream',
    );
    const ids = new Set(events.map((event) => event.eventId));
    const runRecords = (await streamed(cloud)).filter((record) =>
      eventsOf([record]).some(({ event }) => ids.has(event.eventId)),
    );
    const copies = copiesById(runRecords);
    const twice = [...copies.values()].filter((n) => n === 2).length;
    expect(runRecords).toHaveLength(messagesIn);
    expect(copies.size).toBe(900);
    expect([...copies.values()].every((n) => n === 1 || n === 2)).toBe(true);
    expect(twice).toBeGreaterThanOrEqual(restarted?.takenWhileHeld ?? 1);
    expect(summary.devices?.resentEvents).toBeGreaterThanOrEqual(twice);
    expect(eventsOf(runRecords)).toHaveLength(900 + twice);
    expect(messagesIn).toBeGreaterThanOrEqual(summary.devices?.published ?? 0);
    console.info(
      `broker restart: ${restarted?.takenWhileHeld} messages taken with PUBACKs held, ${summary.devices?.resent} resent (${summary.devices?.resentEvents} events), ${twice} events in the stream twice, ${summary.devices?.reconnects} reconnects`,
    );
    await expectEachDeliveredEventCountedOnce();
  });

  it('a message the Kinesis action cannot put (the stream throttled) is kept whole under errors/iot/ with its reason, counted as a rule failure and raising the DeviceRuleErrors alarm', async () => {
    // Prepare
    const faults = cloud.faults;
    if (!faults) throw new Error('the cloud was started with faults, yet has no fault rules');
    const [rule] = cloud.plan.topicRules;
    const ruleName = rule?.ruleName ?? '';
    const failure = {
      namespace: 'AWS/IoT',
      name: 'Failure',
      dimensions: { RuleName: ruleName, ActionType: 'Kinesis' },
    };
    const before = iot.figures();
    const failuresBefore = cloud.metricStore.total(failure);
    const startedMs = Date.now();
    const Bucket = lakeBucketOf(cloud);
    const keptObjects = async () =>
      (await cloud.clients.s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'errors/iot/' }))).Contents ??
      [];

    // Act: every PutRecords answered ProvisionedThroughputExceededException, the SDK's retries included.
    faults.rules.add({ service: 'kinesis', operations: ['PutRecords'], effect: 'throttle' });
    let produced: Awaited<ReturnType<typeof produce>>;
    try {
      // Two readings a message: three messages, each full as soon as its second reading is written.
      produced = await produce('throttled', {
        devices: 1,
        rate: 50,
        maxEvents: 6,
        seed: 23,
        deviceEdge: { credentials: (deviceId) => iot.register(deviceId), eventsPerMessage: 2 },
      });
      await eventually(
        async () => (await keptObjects()).length >= 3,
        WAIT_MS,
        'three messages kept under errors/iot/',
      );
    } finally {
      faults.rules.clear();
    }
    const finishedMs = Date.now();

    // Assess: IoT Core acknowledged them (PUBACK does not wait for the rule), the error action kept each message.
    const { summary, events } = produced;
    expect(summary).toMatchObject({ sent: 6, unsentCount: 0 });
    expect(summary.devices).toMatchObject({ published: 3, publishedEvents: 6 });
    const kept = await Promise.all(
      (await keptObjects()).map(async ({ Key }) => {
        const object = await cloud.clients.s3.send(new GetObjectCommand({ Bucket, Key }));
        return { key: Key ?? '', body: JSON.parse((await object.Body?.transformToString()) ?? '{}') };
      }),
    );
    expect(kept).toHaveLength(3);
    const keptBatches = kept.map(
      ({ body }) =>
        JSON.parse(Buffer.from(body.base64OriginalPayload, 'base64').toString('utf8')) as {
          events: StreamlakeEvent[];
        },
    );
    expect(keptBatches.map((batch) => batch.events.length)).toEqual([2, 2, 2]);
    const keptIds = keptBatches.flatMap((batch) => batch.events.map((event) => event.eventId));
    expect(keptIds.sort()).toEqual(events.map((event) => event.eventId).sort());
    for (const { key, body } of kept) {
      expect(key).toMatch(new RegExp(`^errors/iot/\\d{4}/\\d\\d/\\d\\d/${body.cloudwatchTraceId}\\.json$`));
      expect(body).toMatchObject({
        ruleName,
        clientId: deviceOf(events[0] as StreamlakeEvent),
        topic: deviceTopic(deviceOf(events[0] as StreamlakeEvent)),
        failures: [
          {
            failedAction: 'KinesisAction',
            failedResource: cloud.resources.eventStream.name,
            errorMessage: expect.stringContaining('Error Code: ProvisionedThroughputExceededException'),
          },
        ],
      });
    }
    const stream = copiesById(await streamed(cloud));
    expect(events.filter((event) => stream.has(event.eventId))).toEqual([]);

    // Assess: the figures and the metric the DeviceRuleErrors alarm watches count each failure.
    expect(iot.figures().actionFailures - before.actionFailures).toBe(3);
    expect(iot.figures().ruleErrors).toBe(before.ruleErrors);
    expect(cloud.metricStore.total(failure) - failuresBefore).toBe(3);
    const ops = await cloud.serveOps({ port: 0 });
    // Each minute the failures may fall in, judged once it is complete.
    for (let minute = Math.floor(startedMs / 60_000) * 60_000; minute <= finishedMs; minute += 60_000) {
      await ops.evaluateAlarms(minute + 60_000);
    }
    const raised = cloud.alerts.recent
      .filter((message) => message.topicArn === cloud.opsView.opsTopicArn)
      .map((message) => JSON.parse(message.message));
    expect(raised).toContainEqual(
      expect.objectContaining({ AlarmName: 'streamlake-DeviceRuleErrors', NewStateValue: 'ALARM' }),
    );
  });
});
