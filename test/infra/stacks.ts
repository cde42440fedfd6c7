import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AggregateStage, type AggregateStageProps } from '../../infra/constructs/aggregate-stage.ts';
import { createStreamlakeApp } from '../../infra/streamlake-app.ts';

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
    lake: new Bucket(stack, 'Lake'),
    ...tuning,
  });
  return { stack, stage };
}

/** The whole app as `cdk synth` builds it, with extra context; bundling is off unless asked for. */
export function streamlakeApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  return createStreamlakeApp({
    outdir: mkdtempSync(join(tmpdir(), 'streamlake-cdk-')),
    context: { ...(options.bundle ? {} : WITHOUT_BUNDLING), ...context },
  });
}
