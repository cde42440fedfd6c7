import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AggregateStage, type AggregateStageProps } from '../../infra/constructs/aggregate-stage.ts';
import { Alerting } from '../../infra/constructs/alerting.ts';
import { AnalyticsCatalog, type AnalyticsCatalogProps } from '../../infra/constructs/analytics-catalog.ts';
import { ArchiveStage, type ArchiveStageProps } from '../../infra/constructs/archive-stage.ts';
import { DedupStore } from '../../infra/constructs/dedup-store.ts';
import { DerivedStore } from '../../infra/constructs/derived-store.ts';
import { DeviceEdge, type DeviceEdgeProps } from '../../infra/constructs/device-edge.ts';
import { FanoutStage, type FanoutStageProps } from '../../infra/constructs/fanout-stage.ts';
import { RawZone, type RawZoneProps } from '../../infra/constructs/raw-zone.ts';
import { WebCollector, type WebCollectorProps } from '../../infra/constructs/web-collector.ts';
import { createStreamlakeApp } from '../../infra/streamlake-app.ts';
import { StreamlakeStack } from '../../infra/streamlake-stack.ts';

/** Skips esbuild bundling: the template is the same apart from the asset hash, and synth takes milliseconds. */
export const WITHOUT_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** A fresh, empty stack in its own app, for testing one construct. */
export function emptyStack(): Stack {
  return new Stack(new App({ context: WITHOUT_BUNDLING }), 'Test');
}

/** A fresh stack holding only an AggregateStage over a plain stream, table and bucket. */
export function aggregateStageStack(tuning: Partial<AggregateStageProps> = {}): {
  stack: Stack;
  stage: AggregateStage;
} {
  const stack = emptyStack();
  const stage = new AggregateStage(stack, 'Aggregate', {
    events: new Stream(stack, 'Events'),
    rollups: new Table(stack, 'Rollups', { partitionKey: { name: 'pk', type: AttributeType.STRING } }),
    duplicates: new DedupStore(stack, 'Duplicates').table,
    lake: new Bucket(stack, 'Lake'),
    ...tuning,
  });
  return { stack, stage };
}

/** A fresh stack holding only an ArchiveStage over a plain stream and bucket. */
export function archiveStageStack(tuning: Partial<ArchiveStageProps> = {}): {
  stack: Stack;
  stage: ArchiveStage;
} {
  const stack = emptyStack();
  const stage = new ArchiveStage(stack, 'Archive', {
    events: new Stream(stack, 'Events'),
    duplicates: new DedupStore(stack, 'Duplicates').table,
    lake: new Bucket(stack, 'Lake'),
    ...tuning,
  });
  return { stack, stage };
}

/** A fresh stack holding only an AnalyticsCatalog over a plain lake bucket and access-logs bucket. */
export function analyticsCatalogStack(settings: Partial<AnalyticsCatalogProps> = {}): {
  stack: Stack;
  catalog: AnalyticsCatalog;
} {
  const stack = emptyStack();
  const catalog = new AnalyticsCatalog(stack, 'Analytics', {
    lake: new Bucket(stack, 'Lake'),
    accessLogs: new Bucket(stack, 'AccessLogs'),
    ...settings,
  });
  return { stack, catalog };
}

/** A fresh stack holding only a FanoutStage over a streamed table, the derived store, alerting and a bucket. */
export function fanoutStageStack(tuning: Partial<FanoutStageProps> = {}): {
  stack: Stack;
  stage: FanoutStage;
  store: DerivedStore;
  alerting: Alerting;
} {
  const stack = emptyStack();
  const store = new DerivedStore(stack, 'Derived');
  const alerting = new Alerting(stack, 'Alerting');
  const stage = new FanoutStage(stack, 'Fanout', {
    rollups: new Table(stack, 'Rollups', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    }),
    store,
    alerts: alerting,
    lake: new Bucket(stack, 'Lake'),
    ...tuning,
  });
  return { stack, stage, store, alerting };
}

/** The whole app as `cdk synth` builds it, with extra context; bundling is off unless asked for. */
export function streamlakeApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  return createStreamlakeApp({
    outdir: mkdtempSync(join(tmpdir(), 'streamlake-cdk-')),
    context: { ...(options.bundle ? {} : WITHOUT_BUNDLING), ...context },
  });
}

/** A fresh StreamlakeStack with the given context and props, without bundling or cdk-nag. */
export function streamlakeStackWith(
  context: Record<string, unknown> = {},
  props: ConstructorParameters<typeof StreamlakeStack>[2] = {},
): StreamlakeStack {
  return new StreamlakeStack(new App({ context: { ...WITHOUT_BUNDLING, ...context } }), 'Streamlake', props);
}

/** A fresh stack holding only a WebCollector over a plain stream. */
export function webCollectorStack(settings: Partial<WebCollectorProps> = {}): {
  stack: Stack;
  collector: WebCollector;
  stream: Stream;
} {
  const stack = emptyStack();
  const stream = new Stream(stack, 'Events');
  const collector = new WebCollector(stack, 'Collector', { events: stream, ...settings });
  return { stack, collector, stream };
}

/** A fresh stack holding only a DeviceEdge over a plain stream and bucket. */
export function deviceEdgeStack(settings: Partial<DeviceEdgeProps> = {}): {
  stack: Stack;
  devices: DeviceEdge;
  stream: Stream;
  lake: Bucket;
} {
  const stack = emptyStack();
  const stream = new Stream(stack, 'Events');
  const lake = new Bucket(stack, 'Lake');
  const devices = new DeviceEdge(stack, 'Devices', { events: stream, lake, ...settings });
  return { stack, devices, stream, lake };
}

/** A fresh stack holding only a RawZone over a plain stream and access-logs bucket. */
export function rawZoneStack(settings: Partial<RawZoneProps> = {}): {
  stack: Stack;
  rawZone: RawZone;
  stream: Stream;
  accessLogs: Bucket;
} {
  const stack = emptyStack();
  const stream = new Stream(stack, 'Events');
  const accessLogs = new Bucket(stack, 'AccessLogs');
  const rawZone = new RawZone(stack, 'RawZone', { events: stream, accessLogs, ...settings });
  return { stack, rawZone, stream, accessLogs };
}
