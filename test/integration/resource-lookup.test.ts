import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregatePolicy } from '../../commands/replay/acceptance-policy.ts';
import { demoSummary } from '../../commands/start/demo-summary.ts';
import { type DemoRun, runDemo } from '../../commands/start/run-demo.ts';
import { verifyLocalCloud } from '../../commands/verify/verify-local.ts';
import { streamEnds, streamSequenceAtOrPast } from '../../infra/local/esm/dynamodb-stream-ends.ts';
import { createStreamlakeApp } from '../../infra/streamlake-app.ts';
import { kinesisConsumers } from '../fuzz/run-pipeline.ts';
import { DecoysFirstStack } from './support/decoys-first-stack.ts';
import { fanoutTargetsOf } from './support/fanout-pipeline.ts';
import {
  lakeBucketOf,
  quarantinedRecords,
  scanRollups,
  streamOf,
  tableOf,
} from './support/local-cloud-fixture.ts';

/** Logical ids of the stack's own resources and of its decoys, from a copy of the stack built without bundling. */
const logicalIds = () => {
  const { stack } = createStreamlakeApp({
    stack: DecoysFirstStack,
    context: { 'streamlake:nag': false, 'aws:cdk:bundling-stacks': [] },
  });
  const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return {
    decoys: (stack as DecoysFirstStack).decoyIds,
    eventStream: idOf(stack.events.stream),
    rollupsTable: idOf(stack.rollups.table),
    lakeBucket: idOf(stack.lake.bucket),
    alertsTopic: idOf(stack.alerting.topic),
    functions: {
      aggregate: idOf(stack.aggregate.function),
      archive: idOf(stack.archive.function),
      fanout: idOf(stack.fanout.function),
      silentDeviceCheck: idOf(stack.fanout.silentCheckFunction),
    },
  };
};

describe('the local cloud on a stack that declares a decoy of each resource before its own', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-decoys-'));
  let ids: ReturnType<typeof logicalIds>;
  let run: DemoRun;

  beforeAll(async () => {
    // Prepare: the stack's logical ids; Act: the demo behind `npm start`, short, on the stack with decoys.
    ids = logicalIds();
    run = await runDemo(
      {
        rate: 500,
        durationSeconds: 4,
        forever: false,
        seed: 7,
        devices: 10,
        poisonRate: 0.01,
        archiveWindowSeconds: 1,
        batchingWindowSeconds: 1,
        shards: 2,
        stateDir,
        fresh: true,
        basePort: 0,
        stack: DecoysFirstStack,
      },
      new AbortController().signal,
    );
  });
  afterAll(async () => {
    await run?.cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('declares each decoy first, where the first of a type or a logical-id prefix would pick it', () => {
    const { plan } = run.cloud;
    expect(plan.streams[0]?.logicalId).toMatch(/^AaaDecoyStream/);
    expect(plan.tables[0]?.logicalId).toMatch(/^AaaDecoyTable/);
    expect(plan.buckets.find((b) => b.logicalId.startsWith('LakeBucket'))?.logicalId).toMatch(
      /^LakeBucketDecoy/,
    );
    expect(plan.topics[0]?.logicalId).toMatch(/^AaaDecoyTopic/);
    expect(plan.functions.find((f) => f.logicalId.startsWith('Aggregate'))?.logicalId).toMatch(
      /^AggregateDecoyFunction/,
    );
    expect(plan.kinesisMappings[0]?.id).toMatch(/^AggregateOnDecoyStream/);
    expect(plan.kinesisMappings[0]?.functionName).toBe(run.cloud.resources.functions.aggregate.name);
  });

  it("gives the stack's own stream, table, bucket, topic and functions, as its outputs name them", () => {
    const { resources } = run.cloud;
    expect(resources.eventStream.logicalId).toBe(ids.eventStream);
    expect(resources.rollupsTable.logicalId).toBe(ids.rollupsTable);
    expect(resources.lakeBucket.logicalId).toBe(ids.lakeBucket);
    expect(resources.alertsTopic.logicalId).toBe(ids.alertsTopic);
    expect({
      aggregate: resources.functions.aggregate.logicalId,
      archive: resources.functions.archive.logicalId,
      fanout: resources.functions.fanout.logicalId,
      silentDeviceCheck: resources.functions.silentDeviceCheck.logicalId,
    }).toEqual(ids.functions);
  });

  it("gives each consumer's mapping on its own source, not the aggregate's mapping on the decoy stream", () => {
    const { mappings, functions, eventStream, rollupsTable } = run.cloud.resources;
    expect(mappings.aggregate).toMatchObject({
      functionName: functions.aggregate.name,
      streamArn: eventStream.arn,
    });
    expect(mappings.archive).toMatchObject({
      functionName: functions.archive.name,
      streamArn: eventStream.arn,
    });
    expect(mappings.fanout).toMatchObject({
      functionName: functions.fanout.name,
      tableName: rollupsTable.name,
    });
    expect(ids.decoys).not.toContain(mappings.aggregate.id);
  });

  it('ran the demo on the event stream and the rollups table; its summary names them', () => {
    const { resources } = run.cloud;
    expect(run.drained).toBe(true);
    expect(run.producers.sent).toBeGreaterThan(0);
    // Every event sent, in however many records (batch records from the edges, D36).
    expect(run.cloud.metrics.get('EventsIn', 'streamlake-aggregate')).toBe(run.producers.sent);
    // The fan-out's 10 s window does not cut the end short: the demo waits for it to finish the rollups stream.
    expect(run.fanoutDrained).toBe(true);
    const summary = demoSummary(run);
    expect(summary).toContain(`DynamoDB table ${resources.rollupsTable.name} at`);
    expect(summary).toContain(`s3://${resources.lakeBucket.name}/lake/`);
    const decoyNames = [run.cloud.plan.tables[0]?.name, run.cloud.plan.buckets[0]?.name];
    for (const name of decoyNames) expect(summary).not.toContain(`${name} `);
  });

  it('left the fan-out checkpointed at the end of the rollups stream (its window waited out)', async () => {
    const { fanout } = run.cloud.resources.mappings;
    const ends = await streamEnds(run.cloud.clients, fanout.tableName);
    expect(ends.size).toBeGreaterThan(0);
    for (const [shard, last] of ends) {
      expect(streamSequenceAtOrPast(run.cloud.checkpoints.get(fanout.id, shard), last)).toBe(true);
    }
  });

  it('writes cloud.json from the same resources, and verify reads them: ground truth, rollups and lake agree', async () => {
    const { resources } = run.cloud;
    const saved = JSON.parse(readFileSync(join(stateDir, 'cloud.json'), 'utf8'));
    expect(saved).toMatchObject({
      eventStream: resources.eventStream.name,
      rollupsTable: resources.rollupsTable.name,
      lakeBucket: resources.lakeBucket.name,
    });
    const report = await verifyLocalCloud(run.cloud, stateDir);
    expect(report.differences).toEqual([]);
    expect(report.items).toBeGreaterThan(0);
  });

  it('gives the test fixtures the same resources', async () => {
    const { cloud } = run;
    expect(streamOf(cloud).logicalId).toBe(ids.eventStream);
    expect(tableOf(cloud)).toBe(cloud.resources.rollupsTable.name);
    expect(lakeBucketOf(cloud)).toBe(cloud.resources.lakeBucket.name);
    expect(fanoutTargetsOf(cloud).alertsTopicArn).toBe(cloud.resources.alertsTopic.arn);
    expect((await scanRollups(cloud)).size).toBeGreaterThan(0);
    expect((await quarantinedRecords(cloud)).length).toBeGreaterThan(0);
  });

  it("gives the tools that read the synthesized template the aggregate's policy and the consumers' mappings", () => {
    const { functions, mappings } = run.cloud.resources;
    const { policy } = aggregatePolicy(stateDir);
    expect(policy.maxEventBytes).toBe(Number(functions.aggregate.environment.MAX_EVENT_BYTES));
    expect(policy.maxEventBytes).not.toBe(1);
    expect(kinesisConsumers(stateDir)).toEqual({
      mappingIds: [mappings.aggregate.id, mappings.archive.id],
      consumers: ['aggregate', 'archive'],
    });
  });
});
