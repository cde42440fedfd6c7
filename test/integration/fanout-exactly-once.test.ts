import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { asRecords } from './support/events.ts';
import { rollupDifferences } from './support/expected-rollups.ts';
import {
  derivedValuesOf,
  expectedDerivedRollups,
  MINUTE_MS,
  pageView,
  purchase,
  reading,
} from './support/fanout-events.ts';
import {
  FANOUT_TEST_CONTEXT,
  fanoutTargetsOf,
  type PipelineRun,
  runPipelineUntilCaughtUp,
  scanTable,
} from './support/fanout-pipeline.ts';
import { putRecords } from './support/local-cloud-fixture.ts';

/** Two minutes of traffic; `dev-low` reports a battery under 10 %, so a batch opens an alert. */
const recentEvents = (nowMs: number): StreamlakeEvent[] => {
  const startMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - 2 * MINUTE_MS;
  const pages = ['/', '/search', '/cart', '/product/p-1'];
  const events: StreamlakeEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const atMs = startMs + i * 3_000;
    events.push(pageView(pages[i % pages.length] as string, atMs, `s-${i % 5}`));
    if (i % 5 === 0) events.push(purchase(atMs + 500, `s-${i % 5}`, { revenue: 10 + i, items: 1 + (i % 3) }));
    events.push(
      reading(i % 2 === 0 ? 'dev-ok' : 'dev-low', atMs + 1_000, {
        temperature: 21 + (i % 4),
        humidity: 45,
        battery: i % 2 === 0 ? 80 : 5 + (i % 3),
      }),
    );
  }
  return events;
};

/** What the fan-out has written, as compared before and after a re-delivery. */
const snapshot = async (cloud: LocalCloud) => {
  const targets = fanoutTargetsOf(cloud);
  const byKey = (items: Record<string, unknown>[], key: (item: Record<string, unknown>) => string) =>
    Object.fromEntries(items.map((item) => [key(item), item]));
  await cloud.sns.drain();
  return {
    derived: byKey(await scanTable(cloud, targets.derivedRollupsTable), (i) => `${i.pk} ${i.sk}`),
    devices: byKey(await scanTable(cloud, targets.deviceStateTable), (i) => String(i.deviceId)),
    // `version` is the optimistic lock of the alert item: any write moves it, even one that changes nothing.
    // `recent` is the history a decision reads: a batch that cannot change a decision is not written (D35), so
    // a minute's stored reading may be an earlier, equally deciding one until a re-delivery writes it; the
    // decisions themselves (state, openedAt, resolvedAt, published) and the publications must not move.
    alerts: byKey(
      (await scanTable(cloud, targets.alertStateTable)).map(({ version: _, recent: __, ...rest }) => rest),
      (i) => String(i.alertId),
    ),
    published: cloud.sns.published().map((m) => m.messageId),
  };
};

const sequenceOf = (record: DynamoDBStreamEvent['Records'][number]) =>
  BigInt(record.dynamodb?.SequenceNumber ?? '0');

describe('fan-out on the local cloud: a re-delivered rollups-stream batch changes nothing twice', () => {
  let cloud: LocalCloud;
  let events: StreamlakeEvent[];
  let run: PipelineRun;
  let first: Awaited<ReturnType<typeof snapshot>>;

  const redeliver = async (event: DynamoDBStreamEvent) =>
    (await cloud.localFunction(cloud.resources.functions.fanout).invoke(event)) as DynamoDBBatchResponse;

  beforeAll(async () => {
    // Prepare: the pipeline runs; every fan-out batch the local poller delivers is captured as delivered.
    cloud = await LocalCloud.start({ context: FANOUT_TEST_CONTEXT });
    events = recentEvents(Date.now());
    // Two rounds over the same minutes, so the stream carries INSERTs and then MODIFYs of the same items.
    const rounds = [events.filter((_, i) => i % 2 === 0), events.filter((_, i) => i % 2 === 1)];
    const runs: PipelineRun[] = [];
    for (const round of rounds) {
      runs.push(await runPipelineUntilCaughtUp(cloud, await putRecords(cloud, asRecords(round))));
    }
    run = {
      fanoutEvents: runs.flatMap((r) => r.fanoutEvents),
      fanoutOutcomes: runs.flatMap((r) => r.fanoutOutcomes),
      discarded: runs.flatMap((r) => r.discarded),
    };
    first = await snapshot(cloud);
  });
  afterAll(async () => cloud?.stop());

  it('the first delivery counts everything and publishes the battery alert once', () => {
    // Assess: the baseline the re-deliveries are compared with is itself right.
    expect(run.fanoutEvents.length).toBeGreaterThan(1);
    expect(run.fanoutEvents.flatMap((e) => e.Records).some((r) => r.eventName === 'MODIFY')).toBe(true);
    expect(run.discarded).toEqual([]);
    expect(
      rollupDifferences(expectedDerivedRollups(events), derivedValuesOf(Object.values(first.derived))),
    ).toEqual([]);
    const alerts = cloud.sns
      .published()
      .map((m) => [
        m.messageAttributes.rule?.Value,
        m.messageAttributes.subject?.Value,
        m.messageAttributes.state?.Value,
      ]);
    expect(alerts).toEqual([['device-battery-low', 'dev-low', 'OPEN']]);
  });

  it('the same batches delivered again leave every table as it was and publish nothing', async () => {
    // Act: the exact events the local poller delivered, invoked again on the bundled function.
    const skippedBefore = cloud.metrics.get('DuplicatesSkipped', 'streamlake-fanout');
    for (const event of run.fanoutEvents) {
      expect((await redeliver(event)).batchItemFailures).toEqual([]);
    }
    // Assess
    expect(await snapshot(cloud)).toEqual(first);
    expect(cloud.metrics.get('DuplicatesSkipped', 'streamlake-fanout')).toBeGreaterThan(skippedBefore);
  });

  it('re-deliveries cut at other boundaries (everything in one batch, then an overlapping tail) change nothing', async () => {
    // Prepare: one stream shard locally, so the delivered records in order are the shard's order.
    const records = run.fanoutEvents.flatMap((event) => event.Records);
    const sequences = records.map(sequenceOf);
    expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Act
    const response = await redeliver({ Records: records });
    const half = Math.ceil(records.length / 2);
    await redeliver({ Records: records.slice(half - 3) });
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await snapshot(cloud)).toEqual(first);
  });
});
