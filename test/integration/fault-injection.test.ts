import { KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';
import type { FaultRule } from '../../infra/local/faults/fault-rules.ts';
import type { FunctionFaultCounts } from '../../infra/local/faults/function-faults.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import { asRecords, sampleEvents } from './support/events.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import { control } from './support/fault-control.ts';
import { eventually, putRecords, readShards, scanRollups, streamOf } from './support/local-cloud-fixture.ts';
import { runUntilDrained } from './support/run-until-drained.ts';
import { ShortTimeoutStack } from './support/short-timeout-stack.ts';

/** The DynamoDB operations that write: a throttle on "DynamoDB writes". */
const DYNAMODB_WRITES = ['UpdateItem', 'PutItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];

const answeredBy = async (cloud: LocalCloud, id: string) =>
  ((await control(cloud, 'GET', '/faults')) as FaultRule[]).find((rule) => rule.id === id)?.answered ?? 0;

/** A Kinesis client of the test's own, with its own retry settings, through the cloud's front door. */
const kinesisClient = (cloud: LocalCloud, maxAttempts: number) =>
  new KinesisClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: cloud.endpoints.kinesis,
    maxAttempts,
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true } }),
  });

const putOne = (client: KinesisClient, cloud: LocalCloud, event: StreamlakeEvent) =>
  client.send(
    new PutRecordsCommand({
      StreamName: streamOf(cloud).name,
      Records: asRecords([event]).map((r) => ({ Data: Buffer.from(r.data), PartitionKey: r.partitionKey })),
    }),
  );

/** Puts the events in a few chunks, a moment apart, while the mappings run. */
const putWhileFlowing = async (cloud: LocalCloud, events: StreamlakeEvent[]) => {
  for (let i = 0; i < events.length; i += 100) {
    await putRecords(cloud, asRecords(events.slice(i, i + 100)));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
};

describe('fault injection in the local cloud (npm start -- --faults)', () => {
  let cloud: LocalCloud;
  /** Every valid event the stream accepted, across the tests: the rollups must count each exactly once. */
  const accepted: StreamlakeEvent[] = [];

  beforeAll(async () => {
    // Prepare: one cloud for every fault (starting one is most of a test's time), the aggregate's timeout short.
    cloud = await LocalCloud.start({
      faults: true,
      stack: ShortTimeoutStack,
      context: { 'streamlake:aggregateBatchingWindowSeconds': 1 },
    });
  });
  afterAll(async () => cloud?.stop());

  it('the control refuses a bad rule naming the bad value, and names what it serves for an unknown path', async () => {
    // Act
    const refused = await control(cloud, 'POST', '/faults', {
      service: 'kinesis',
      effect: 'throttle',
      share: 2,
    })
      .then(() => 'accepted')
      .catch((error: Error) => error.message);
    const unknown = await control(cloud, 'GET', '/nope').catch((error: Error) => error.message);
    const noFunction = await control(cloud, 'GET', '/functions/nope/faults').catch(
      (error: Error) => error.message,
    );

    // Assess
    expect(refused).toMatch(/answered 400: .*share must be a number from 0 to 1 \(given 2\)/);
    expect(unknown).toMatch(/answered 404: .*POST\|GET\|DELETE \/faults, POST \/servers\/kinesis\/restart/);
    expect(noFunction).toMatch(
      new RegExp(`answered 404: .*no function named nope: .*${cloud.resources.functions.aggregate.name}`),
    );
    expect(await control(cloud, 'GET', '/faults')).toEqual([]);
  });

  it('a throttle on PutRecords answers as Kinesis does, and a retrying put lands once the window ends', async () => {
    // Prepare
    const [throttled, retried] = sampleEvents(2) as [StreamlakeEvent, StreamlakeEvent];
    const { id } = (await control(cloud, 'POST', '/faults', {
      service: 'kinesis',
      operations: ['PutRecords'],
      effect: 'throttle',
      share: 1,
      seconds: 2,
    })) as { id: string };

    // Act
    const once = await putOne(kinesisClient(cloud, 1), cloud, throttled).catch((error: Error) => error);
    const started = Date.now();
    const retrying = (await putOne(kinesisClient(cloud, 10), cloud, retried)) as PutRecordsCommandOutput;
    accepted.push(retried);

    // Assess
    expect(once).toBeInstanceOf(Error);
    expect((once as Error).name).toBe('ProvisionedThroughputExceededException');
    expect(retrying.FailedRecordCount).toBe(0);
    expect(retrying.$metadata.attempts).toBeGreaterThan(1);
    expect(Date.now() - started).toBeGreaterThan(1_000);
    expect(await answeredBy(cloud, id)).toBeGreaterThanOrEqual(2);
    // Only the retried put reached the stream; the throttled one never did.
    const stored = [...(await readShards(cloud)).values()]
      .flat()
      .map((r) => Buffer.from(r.data, 'base64').toString());
    expect(stored).toEqual([JSON.stringify(retried)]);
  });

  it('DynamoDB writes throttled at share 0.5 while events flow: the rollups count every event once', async () => {
    // Prepare: throttling until it has refused a few writes — by what it answered, not by the clock, so a slow
    // machine cannot let the window pass before the first batch is written (nor hold it long enough to exhaust
    // the SDK's retry budget and stretch the drain).
    const events = sampleEvents(400);
    const { id } = (await control(cloud, 'POST', '/faults', {
      service: 'dynamodb',
      operations: DYNAMODB_WRITES,
      effect: 'throttle',
      share: 0.5,
    })) as { id: string };

    // Act
    const drained = runUntilDrained(cloud, events.length + accepted.length, undefined, 60_000);
    const putting = putWhileFlowing(cloud, events);
    await eventually(async () => (await answeredBy(cloud, id)) >= 3, 30_000, 'the throttle refusing writes');
    const answered = await answeredBy(cloud, id);
    await control(cloud, 'DELETE', '/faults');
    await putting;
    accepted.push(...events);
    const log = await drained;

    // Assess
    expect(answered).toBeGreaterThanOrEqual(3);
    expect(log.discarded).toEqual([]);
    expect(rollupDifferences(expectedRollups(accepted), await scanRollups(cloud))).toEqual([]);
  });

  it('the aggregate crashing mid-invocation 3 times and overrunning its timeout once: every event counted once', async () => {
    // Prepare
    const events = sampleEvents(400);
    const aggregate = encodeURIComponent(cloud.resources.functions.aggregate.name);
    await control(cloud, 'POST', `/functions/${aggregate}/faults`, { effect: 'crash', invocations: 3 });
    await control(cloud, 'POST', `/functions/${aggregate}/faults`, { effect: 'timeout', invocations: 1 });

    // Act
    const drained = runUntilDrained(cloud, events.length, undefined, 60_000);
    await putWhileFlowing(cloud, events);
    accepted.push(...events);
    const log = await drained;

    // Assess
    const faults = (await control(cloud, 'GET', `/functions/${aggregate}/faults`)) as FunctionFaultCounts;
    expect(faults).toEqual({
      pending: 0,
      done: 4,
      byEffect: { crash: { pending: 0, done: 3 }, timeout: { pending: 0, done: 1 } },
    });
    // At least the four faulted ones failed (a slow batch on a loaded machine may also overrun the short timeout).
    expect(log.invocations.filter((i) => i.outcome === 'error').length).toBeGreaterThanOrEqual(4);
    expect(log.discarded).toEqual([]);
    expect(rollupDifferences(expectedRollups(accepted), await scanRollups(cloud))).toEqual([]);
  });
});
