// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT substitution templates (${topic(3)}) are the subject of these tests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  waitUntilStreamExists,
  waitUntilStreamNotExists,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Template as Synthesized } from 'aws-cdk-lib/assertions';
import { CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  type LocalClients,
  localClients,
} from '../../infra/local/clients.ts';
import { TopicRuleEngine } from '../../infra/local/iot/rules/rule-engine.ts';
import type { TopicRulePlan } from '../../infra/local/iot/rules/topic-rule-plan.ts';
import { MetricStore } from '../../infra/local/metrics/metric-store.ts';
import type { LocalServer } from '../../infra/local/servers/kinesis-server.ts';
import { type KinesisServer, startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { startS3 } from '../../infra/local/servers/s3-server.ts';
import { outputResourceId, type StackResources, stackResources } from '../../infra/local/stack-resources.ts';
import { type CloudPlan, planFromTemplate, type Template } from '../../infra/local/template.ts';
import { createStreamlakeApp } from '../../infra/streamlake-app.ts';

const STACK = 'streamlake';

let kinesisServer: KinesisServer;
let s3Server: LocalServer;
let s3Dir: string;
let clients: LocalClients;
let plan: CloudPlan;
let resources: StackResources;
let deviceRule: TopicRulePlan;
let parityRule: TopicRulePlan;

/** A device event as a device sends it (the contract's JSON); the rule must not alter it. */
const deviceEvent = (deviceId: string, fields: Record<string, unknown> = {}) => ({
  schema: 'device_reading',
  version: 1,
  eventId: randomUUID(),
  eventTime: '2024-03-05T10:11:12.345Z',
  deviceId,
  celsius: 21.5,
  ...fields,
});

const publish = (
  engine: TopicRuleEngine,
  deviceId: string,
  body: unknown,
  topic = `streamlake/devices/${deviceId}/telemetry`,
) => {
  const payload = Buffer.from(JSON.stringify(body));
  const receivedAtMs = Date.now();
  engine.accept({ topic, payload, clientId: deviceId, receivedAtMs });
  return { payload, receivedAtMs };
};

const engineFor = (rules: readonly TopicRulePlan[], metricStore?: MetricStore) =>
  TopicRuleEngine.fromPlan(rules, {
    kinesis: clients.kinesis,
    s3: clients.s3,
    ...(metricStore ? { metricStore } : {}),
  });

/** Every record of the stream, shard by shard, oldest first. */
const streamRecords = async (StreamName: string) => {
  const shards = (await clients.kinesis.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
  const records: { partitionKey: string; data: Record<string, unknown> }[] = [];
  for (const { ShardId } of shards) {
    const { ShardIterator } = await clients.kinesis.send(
      new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const page = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    for (const record of page.Records ?? []) {
      records.push({
        partitionKey: record.PartitionKey ?? '',
        data: JSON.parse(Buffer.from(record.Data ?? []).toString('utf8')),
      });
    }
  }
  return records;
};

const objectsUnder = async (Bucket: string, Prefix: string) => {
  const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket, Prefix }));
  return Promise.all(
    (listed.Contents ?? []).map(async ({ Key }) => {
      const object = await clients.s3.send(new GetObjectCommand({ Bucket, Key }));
      return { key: Key ?? '', body: JSON.parse((await object.Body?.transformToString()) ?? '') };
    }),
  );
};

beforeAll(async () => {
  // The project's stack as synthesized, plus one rule added in CDK by this test (the parity case).
  const { stack } = createStreamlakeApp({
    context: { 'streamlake:nag': false, 'aws:cdk:bundling-stacks': [] },
  });
  new CfnTopicRule(stack, 'ParityRule', {
    topicRulePayload: {
      sql: "SELECT eventId AS id, topic(2) AS kind, clientid() AS device FROM 'parity/+/readings' WHERE celsius > 30",
      awsIotSqlVersion: '2016-03-23',
      actions: [
        {
          s3: {
            bucketName: stack.lake.bucket.bucketName,
            key: 'parity/${topic(2)}/${eventId}.json',
            roleArn: stack.devices.role.roleArn,
          },
        },
      ],
    },
  });
  const template = Synthesized.fromStack(stack).toJSON() as Template;
  plan = planFromTemplate(template, { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID, stackName: STACK });
  resources = stackResources(template, plan, stack.stackName);
  const ruleId = outputResourceId(template, stack.stackName, 'DeviceTopicRuleName');
  deviceRule = plan.topicRules.find((rule) => rule.logicalId === ruleId) as TopicRulePlan;
  parityRule = plan.topicRules.find((rule) => rule.logicalId.startsWith('ParityRule')) as TopicRulePlan;

  kinesisServer = await startKinesis(await freePort());
  s3Dir = mkdtempSync(join(tmpdir(), 'iot-rules-s3-'));
  s3Server = await startS3(await freePort(), s3Dir);
  // Only Kinesis and S3 are reached; the DynamoDB client is made but never used.
  clients = localClients({
    kinesis: kinesisServer.endpoint,
    s3: s3Server.endpoint,
    dynamodb: 'http://127.0.0.1:9',
  });
  const StreamName = resources.eventStream.name;
  await clients.kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
  await waitUntilStreamExists({ client: clients.kinesis, maxWaitTime: 30 }, { StreamName });
  await clients.s3.send(new CreateBucketCommand({ Bucket: resources.lakeBucket.name }));
});

afterAll(async () => {
  await kinesisServer?.stop();
  await s3Server?.stop();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
});

describe('the device rule of the synthesized stack, run by the local rule engine', () => {
  it('is found by the stack output and its SQL compiles', () => {
    expect(deviceRule).toBeDefined();
    expect(deviceRule.sql).toContain("FROM 'streamlake/devices/+/telemetry'");
    expect(() => engineFor([deviceRule])).not.toThrow();
  });

  it('puts a device’s message into the event stream, keyed by the device id from the topic, event unchanged plus edge', async () => {
    const metricStore = new MetricStore();
    const engine = engineFor([deviceRule], metricStore);
    const event = deviceEvent('dev-1');
    const before = Date.now();

    publish(engine, 'dev-1', event);
    await engine.stop();

    const records = (await streamRecords(resources.eventStream.name)).filter(
      (r) => r.data.eventId === event.eventId,
    );
    expect(records).toHaveLength(1);
    const [record] = records as [{ partitionKey: string; data: Record<string, unknown> }];
    expect(record.partitionKey).toBe('dev-1');
    const { edge, ...sent } = record.data as { edge: Record<string, string> };
    expect(sent).toEqual(event);
    expect(edge).toEqual({
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientId: 'dev-1',
      topic: 'streamlake/devices/dev-1/telemetry',
    });
    expect(Date.parse(edge.receivedAt as string)).toBeGreaterThanOrEqual(before);
    const success = {
      namespace: 'AWS/IoT',
      name: 'Success',
      dimensions: { RuleName: deviceRule.ruleName, ActionType: 'Kinesis' },
    };
    expect(metricStore.total(success)).toBe(1);
  });

  it('keeps each device’s messages in the order published, devices interleaved', async () => {
    const engine = engineFor([deviceRule]);
    const sent = new Map<string, string[]>([
      ['dev-a', []],
      ['dev-b', []],
      ['dev-c', []],
    ]);

    for (let i = 0; i < 30; i++) {
      for (const [deviceId, ids] of sent) {
        const event = deviceEvent(deviceId, { seq: i });
        ids.push(event.eventId);
        publish(engine, deviceId, event);
      }
    }
    await engine.stop();

    const records = await streamRecords(resources.eventStream.name);
    for (const [deviceId, ids] of sent) {
      const stored = records.filter((r) => r.partitionKey === deviceId).map((r) => r.data.eventId);
      expect(stored).toEqual(ids);
    }
  });
});

describe('a rule added in CDK', () => {
  it('runs locally with no other change: its SQL, WHERE and S3 action with templates', async () => {
    const engine = engineFor([parityRule]);
    const hot = deviceEvent('dev-p', { celsius: 35 });
    const cold = deviceEvent('dev-p', { celsius: 20 });

    publish(engine, 'dev-p', hot, 'parity/boiler/readings');
    publish(engine, 'dev-p', cold, 'parity/boiler/readings');
    await engine.stop();

    const objects = await objectsUnder(resources.lakeBucket.name, 'parity/');
    expect(objects).toEqual([
      {
        key: `parity/boiler/${hot.eventId}.json`,
        body: { id: hot.eventId, kind: 'boiler', device: 'dev-p' },
      },
    ]);
  });
});

describe('when Kinesis cannot take the message', () => {
  it('the error action keeps it in the lake bucket under errors/iot/<date>/<trace id>.json, with the reason', async () => {
    const StreamName = resources.eventStream.name;
    await clients.kinesis.send(new DeleteStreamCommand({ StreamName }));
    await waitUntilStreamNotExists({ client: clients.kinesis, maxWaitTime: 30 }, { StreamName });
    const metricStore = new MetricStore();
    const engine = engineFor([deviceRule], metricStore);
    const event = deviceEvent('dev-x');

    const { payload, receivedAtMs } = publish(engine, 'dev-x', event);
    await engine.stop();

    const kept = await objectsUnder(resources.lakeBucket.name, 'errors/iot/');
    expect(kept).toHaveLength(1);
    const [{ key, body }] = kept as [{ key: string; body: Record<string, unknown> }];
    const day = new Date(receivedAtMs).toISOString().slice(0, 10).replaceAll('-', '/');
    expect(key).toBe(`errors/iot/${day}/${body.cloudwatchTraceId}.json`);
    expect(body).toEqual({
      ruleName: deviceRule.ruleName,
      topic: 'streamlake/devices/dev-x/telemetry',
      cloudwatchTraceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientId: 'dev-x',
      base64OriginalPayload: payload.toString('base64'),
      failures: [
        {
          failedAction: 'KinesisAction',
          failedResource: StreamName,
          errorMessage: expect.stringContaining('Error Code: ResourceNotFoundException'),
        },
      ],
    });
    const dimensions = { RuleName: deviceRule.ruleName, ActionType: 'Kinesis' };
    expect(metricStore.total({ namespace: 'AWS/IoT', name: 'Failure', dimensions })).toBe(1);
    expect(engine.figures()).toMatchObject({ actionFailures: 1, errorActionSuccesses: 1 });
  });
});
