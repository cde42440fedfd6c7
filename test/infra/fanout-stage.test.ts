import { Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { fanoutStageStack } from './stacks.ts';

type Statement = { Action: string | string[]; Resource: unknown };

function statementsOf(stack: Stack, rolePrefix: string): Statement[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('FanoutStage functions', () => {
  it('runs the stream handler and the silent-device check each from its own TypeScript entry', () => {
    const { stack } = fanoutStageStack();
    const template = Template.fromStack(stack);

    template.hasResource('AWS::Lambda::Function', {
      Properties: Match.objectLike({ Handler: 'index.handler', Runtime: 'nodejs22.x' }),
      Metadata: Match.objectLike({ 'streamlake:entry': 'processors/fanout/handler.ts' }),
    });
    template.hasResource('AWS::Lambda::Function', {
      Properties: Match.objectLike({ Handler: 'index.checkSilentDevices' }),
      Metadata: Match.objectLike({ 'streamlake:entry': 'processors/fanout/silent-check-handler.ts' }),
    });
  });

  it('configures the stream handler through its environment', () => {
    const { stack } = fanoutStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: {
          DERIVED_ROLLUPS_TABLE: { Ref: Match.stringLikeRegexp('^DerivedDerivedRollupsTable') },
          DEVICE_STATE_TABLE: { Ref: Match.stringLikeRegexp('^DerivedDeviceStateTable') },
          ALERT_STATE_TABLE: { Ref: Match.stringLikeRegexp('^DerivedAlertStateTable') },
          ALERTS_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^AlertingTopic') },
          DERIVED_RETENTION_DAYS: '400',
          DEVICE_SILENT_MINUTES: '5',
          POWERTOOLS_SERVICE_NAME: 'streamlake-fanout',
          POWERTOOLS_METRICS_NAMESPACE: 'Streamlake',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('gives the silent-device check only the alerting settings', () => {
    const { stack } = fanoutStageStack({ deviceSilentAfter: Duration.minutes(15) });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.checkSilentDevices',
      Environment: {
        Variables: {
          DEVICE_STATE_TABLE: { Ref: Match.stringLikeRegexp('^DerivedDeviceStateTable') },
          ALERT_STATE_TABLE: { Ref: Match.stringLikeRegexp('^DerivedAlertStateTable') },
          ALERTS_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^AlertingTopic') },
          DEVICE_SILENT_MINUTES: '15',
          POWERTOOLS_SERVICE_NAME: 'streamlake-fanout',
          POWERTOOLS_METRICS_NAMESPACE: 'Streamlake',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });
});

describe('FanoutStage event source mapping', () => {
  it('reads the rollups table stream', () => {
    const { stack } = fanoutStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Rollups'), 'StreamArn'] },
    });
  });

  it('takes one batch per shard at a time, in sequence order, as the high-water marks require', () => {
    const { stack } = fanoutStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ParallelizationFactor: 1,
    });
  });

  it('bisects a failing batch to isolate the record that fails', () => {
    const { stack } = fanoutStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
    });
  });

  it('is invoked only for inserts and modifications, never for TTL expiries', () => {
    const { stack } = fanoutStageStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'] }) }] },
    });
  });
});

describe('FanoutStage silent-device schedule', () => {
  it('invokes the check every minute by default', () => {
    const { stack } = fanoutStageStack();
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanoutSilentCheckFunction'), 'Arn'] },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanoutSilentCheckFunction'), 'Arn'] },
    });
  });

  it('takes the interval it is given', () => {
    const { stack } = fanoutStageStack({ silentCheckInterval: Duration.minutes(5) });

    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
    });
  });
});

describe('FanoutStage permissions', () => {
  it('lets the stream handler get and update derived rollups and alert state, and update device state', () => {
    const { stack } = fanoutStageStack();

    const dynamo = statementsOf(stack, 'FanoutFunction').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams'),
    );

    expect(dynamo).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
          Resource: [
            { 'Fn::GetAtt': [expect.stringMatching(/^DerivedDerivedRollupsTable/), 'Arn'] },
            { 'Fn::GetAtt': [expect.stringMatching(/^DerivedAlertStateTable/), 'Arn'] },
          ],
        },
        {
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DerivedDeviceStateTable/), 'Arn'] },
        },
      ]),
    );
  });

  it('lets the silent-device check query only the silence index', () => {
    const { stack } = fanoutStageStack();

    expect(statementsOf(stack, 'FanoutSilentCheckFunction')).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: {
        'Fn::Join': [
          '',
          [{ 'Fn::GetAtt': [expect.stringMatching(/^DerivedDeviceStateTable/), 'Arn'] }, '/index/BySilence'],
        ],
      },
    });
  });

  it('lets both functions publish to the topic and use its key, and nothing else of either', () => {
    const { stack } = fanoutStageStack();

    for (const role of ['FanoutFunction', 'FanoutSilentCheckFunction']) {
      const statements = statementsOf(stack, role);
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: { Ref: expect.stringMatching(/^AlertingTopic/) },
      });
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AlertingTopicKey/), 'Arn'] },
      });
    }
  });

  it('may not scan, put, delete or use wildcard actions', () => {
    const { stack } = fanoutStageStack();

    const actions = [
      ...statementsOf(stack, 'FanoutFunction'),
      ...statementsOf(stack, 'FanoutSilentCheckFunction'),
    ].flatMap(actionsOf);

    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
  });
});

describe('FanoutStage validation', () => {
  it.each([
    [
      { deviceSilentAfter: Duration.seconds(90) },
      'deviceSilentAfter must be a whole number of minutes (given 1 minute 30 seconds)',
    ],
    [
      { deviceSilentAfter: Duration.minutes(1441) },
      'deviceSilentAfter must be between 1 and 1440 minutes inclusive (given 1441 minutes)',
    ],
    [
      { silentCheckInterval: Duration.minutes(61) },
      'silentCheckInterval must be between 1 and 60 minutes inclusive (given 61 minutes)',
    ],
  ])('fails if given %o', (props, message) => {
    expect(() => fanoutStageStack(props)).toThrow(message);
  });
});
