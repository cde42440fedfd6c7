import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import type { EventTimePolicy } from '../../infra/constructs/event-time-policy.ts';
import type { StreamConsumerTuning } from '../../infra/constructs/stream-consumer-tuning.ts';
import { aggregateStageStack, archiveStageStack, fanoutStageStack } from './stacks.ts';

interface Consumer {
  readonly stage: string;
  /** The stage alone in a fresh stack, tuned as given. */
  readonly build: (tuning?: StreamConsumerTuning) => {
    stack: Stack;
    stage: { iteratorAgeAlarmThreshold: Duration };
  };
  /** Its event source mapping's properties when nothing is given. */
  readonly defaults: Readonly<Record<string, number>>;
  readonly defaultIteratorAgeSeconds: number;
}

const CONSUMERS: readonly Consumer[] = [
  {
    stage: 'AggregateStage',
    build: aggregateStageStack,
    defaults: {
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 15,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
    },
    defaultIteratorAgeSeconds: 60,
  },
  {
    stage: 'ArchiveStage',
    build: archiveStageStack,
    defaults: {
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 60,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
    },
    // Above the 60-second batching window, which alone lets records wait that long.
    defaultIteratorAgeSeconds: 300,
  },
  {
    stage: 'FanoutStage',
    build: fanoutStageStack,
    defaults: {
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 10,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 3600,
    },
    defaultIteratorAgeSeconds: 60,
  },
];

/** Each mapping knob, a value for it, and the one mapping property it sets. */
const MAPPING_KNOBS: ReadonlyArray<{
  knob: string;
  given: StreamConsumerTuning;
  property: string;
  value: number;
}> = [
  { knob: 'batchSize', given: { batchSize: 100 }, property: 'BatchSize', value: 100 },
  {
    knob: 'maxBatchingWindow',
    given: { maxBatchingWindow: Duration.seconds(2) },
    property: 'MaximumBatchingWindowInSeconds',
    value: 2,
  },
  { knob: 'retryAttempts', given: { retryAttempts: 2 }, property: 'MaximumRetryAttempts', value: 2 },
  {
    knob: 'maxRecordAge',
    given: { maxRecordAge: Duration.minutes(5) },
    property: 'MaximumRecordAgeInSeconds',
    value: 300,
  },
];

const TUNING_FAILURES: ReadonlyArray<[StreamConsumerTuning, string]> = [
  [{ batchSize: 0 }, 'batchSize must be between 1 and 10000 inclusive (given 0)'],
  [{ batchSize: 10_001 }, 'batchSize must be between 1 and 10000 inclusive (given 10001)'],
  [{ batchSize: 2.5 }, 'batchSize must be a whole number (given 2.5)'],
  [
    { maxBatchingWindow: Duration.seconds(301) },
    'maxBatchingWindow must be between 0 and 300 seconds inclusive (given 301 seconds)',
  ],
  [
    { maxBatchingWindow: Duration.millis(1500) },
    'maxBatchingWindow must be a whole number of seconds (given 1 second 500 millis)',
  ],
  [{ retryAttempts: -1 }, 'retryAttempts must be between 0 and 10000 inclusive (given -1)'],
  [
    { maxRecordAge: Duration.seconds(59) },
    'maxRecordAge must be between 60 and 604800 seconds inclusive (given 59 seconds)',
  ],
  [
    { iteratorAgeAlarmThreshold: Duration.seconds(0) },
    'iteratorAgeAlarmThreshold must be between 1 and 604800 seconds inclusive (given 0 seconds)',
  ],
  [
    { iteratorAgeAlarmThreshold: Duration.days(8) },
    'iteratorAgeAlarmThreshold must be between 1 and 604800 seconds inclusive (given 691200 seconds)',
  ],
];

const lakeArnOf = (stack: Stack) => ({
  'Fn::GetAtt': [stack.getLogicalId(stack.node.findChild('Lake').node.defaultChild as CfnBucket), 'Arn'],
});

describe.each(CONSUMERS)('$stage as a stream consumer', ({ build, defaults, defaultIteratorAgeSeconds }) => {
  it('reads from the oldest record', () => {
    const { stack } = build();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
    });
  });

  it('reports partial batch failures', () => {
    const { stack } = build();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('publishes its EventCount metrics, so records given up on are counted', () => {
    const { stack } = build();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MetricsConfig: { Metrics: ['EventCount'] },
    });
  });

  it('sends records it gave up on to the lake bucket', () => {
    const { stack } = build();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: lakeArnOf(stack) } },
    });
  });

  it.each(Object.entries(defaults))('sets %s to %d by default', (property, value) => {
    const { stack } = build();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      [property]: value,
    });
  });

  it.each(MAPPING_KNOBS)('sets $property from the $knob it is given', ({ given, property, value }) => {
    const { stack } = build(given);

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      [property]: value,
    });
  });

  it(`has an iterator-age threshold of ${defaultIteratorAgeSeconds} s by default, for the ops alarm, and no alarm of its own`, () => {
    const { stack, stage } = build();

    expect(stage.iteratorAgeAlarmThreshold.toSeconds()).toBe(defaultIteratorAgeSeconds);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('has the iterator-age threshold it is given', () => {
    const { stage } = build({ iteratorAgeAlarmThreshold: Duration.minutes(10) });

    expect(stage.iteratorAgeAlarmThreshold.toSeconds()).toBe(600);
  });

  it.each(TUNING_FAILURES)('fails if given %o', (tuning, message) => {
    expect(() => build(tuning)).toThrow(message);
  });
});

const KINESIS_CONSUMERS = [
  { stage: 'AggregateStage', build: aggregateStageStack },
  { stage: 'ArchiveStage', build: archiveStageStack },
] as const;

/** Each event-time setting, a value for it, and the one handler environment variable it sets. */
const EVENT_TIME_SETTINGS: ReadonlyArray<{
  setting: string;
  given: EventTimePolicy;
  variable: string;
  value: string;
}> = [
  {
    setting: 'allowedLateness',
    given: { allowedLateness: Duration.minutes(2) },
    variable: 'ALLOWED_LATENESS_SECONDS',
    value: '120',
  },
  {
    setting: 'clockSkew',
    given: { clockSkew: Duration.seconds(30) },
    variable: 'CLOCK_SKEW_SECONDS',
    value: '30',
  },
  { setting: 'maxEventBytes', given: { maxEventBytes: 1024 }, variable: 'MAX_EVENT_BYTES', value: '1024' },
];

const EVENT_TIME_FAILURES: ReadonlyArray<[EventTimePolicy, string]> = [
  [
    { allowedLateness: Duration.days(8) },
    'allowedLateness must be between 0 and 604800 seconds inclusive (given 691200 seconds)',
  ],
  [
    { allowedLateness: Duration.millis(500) },
    'allowedLateness must be a whole number of seconds (given 500 millis)',
  ],
  [
    { clockSkew: Duration.days(2) },
    'clockSkew must be between 0 and 86400 seconds inclusive (given 172800 seconds)',
  ],
  [{ maxEventBytes: 0 }, 'maxEventBytes must be between 1 and 1048576 inclusive (given 0)'],
  [{ maxEventBytes: 1_048_577 }, 'maxEventBytes must be between 1 and 1048576 inclusive (given 1048577)'],
];

const handlerEnvironment = (variables: Record<string, string>) => ({
  Environment: { Variables: Match.objectLike(variables) },
});

describe.each(KINESIS_CONSUMERS)('$stage event-time policy', ({ build }) => {
  it('gives its handler one hour of lateness, five minutes of clock skew and 65536 bytes by default', () => {
    const { stack } = build();

    Template.fromStack(stack).hasResourceProperties(
      'AWS::Lambda::Function',
      handlerEnvironment({
        ALLOWED_LATENESS_SECONDS: '3600',
        CLOCK_SKEW_SECONDS: '300',
        MAX_EVENT_BYTES: '65536',
      }),
    );
  });

  it.each(EVENT_TIME_SETTINGS)('sets $variable from the $setting it is given', ({
    given,
    variable,
    value,
  }) => {
    const { stack } = build({ eventTime: given });

    Template.fromStack(stack).hasResourceProperties(
      'AWS::Lambda::Function',
      handlerEnvironment({ [variable]: value }),
    );
  });

  it.each(EVENT_TIME_FAILURES)('fails if given the event-time policy %o', (eventTime, message) => {
    expect(() => build({ eventTime })).toThrow(message);
  });
});
