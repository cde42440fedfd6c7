// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT substitution templates (${topic(3)}) and policy variables (${iot:Connection.Thing.ThingName}) are the subject of these tests.
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stream, StreamEncryption } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { deviceIdFromTopic } from '../../infra/constructs/device-edge/rule-sql.ts';
import { DeviceEdge, deviceRuleNameOf } from '../../infra/constructs/device-edge.ts';
import { flatten, logicalIdOf, opsAlarmOf, templateOf } from './ops-template.ts';
import { deviceEdgeStack, emptyStack, streamlakeApp, streamlakeStackWith } from './stacks.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation properties are untyped JSON.
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const onlyResourceOf = (stack: Parameters<typeof templateOf>[0], type: string): Resource => {
  const found = Object.values(templateOf(stack).Resources as Record<string, Resource>).filter(
    (r) => r.Type === type,
  );
  if (found.length !== 1) throw new Error(`expected one ${type} (given ${found.length})`);
  return found[0] as Resource;
};

const ruleOf = (stack: Parameters<typeof templateOf>[0]) =>
  onlyResourceOf(stack, 'AWS::IoT::TopicRule').Properties;

/** An ARN of the stack's account and region as one text: `arn:<Ref AWS::Partition>:iot:…`. */
const iotArn = (resource: string) =>
  `arn:<Ref AWS::Partition>:iot:<Ref AWS::Region>:<Ref AWS::AccountId>:${resource}`;

describe('DeviceEdge', () => {
  it("reads every device's telemetry topic, adding the edge context to each event as it is", () => {
    const { stack } = deviceEdgeStack();

    const rule = ruleOf(stack);

    expect(rule.RuleName).toBe('Test_device_telemetry');
    expect(rule.TopicRulePayload).toMatchObject({
      AwsIotSqlVersion: '2016-03-23',
      RuleDisabled: false,
      Sql:
        "SELECT *, {'receivedAt': parse_time(\"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'\", timestamp()), " +
        "'requestId': traceid(), 'clientId': clientid(), 'topic': topic()} AS edge " +
        "FROM 'streamlake/devices/+/telemetry'",
    });
  });

  it('puts each message into the event stream with one Kinesis action, partitioned by the device id of the topic', () => {
    const { stack, devices, stream } = deviceEdgeStack();

    const { Actions } = ruleOf(stack).TopicRulePayload;

    expect(Actions).toEqual([
      {
        Kinesis: {
          StreamName: { Ref: logicalIdOf(stack, stream) },
          PartitionKey: '${topic(3)}',
          RoleArn: { 'Fn::GetAtt': [logicalIdOf(stack, devices.role), 'Arn'] },
        },
      },
    ]);
  });

  it('keeps a message the Kinesis action could not put as one object under errors/iot/ of the lake bucket', () => {
    const { stack, devices, lake } = deviceEdgeStack();

    const { ErrorAction } = ruleOf(stack).TopicRulePayload;

    expect(ErrorAction).toEqual({
      S3: {
        BucketName: { Ref: logicalIdOf(stack, lake) },
        Key: 'errors/iot/${parse_time("yyyy/MM/dd", timestamp())}/${traceid()}.json',
        RoleArn: { 'Fn::GetAtt': [logicalIdOf(stack, devices.role), 'Arn'] },
      },
    });
  });

  it('expires the objects under errors/iot/ after 30 days', () => {
    const { stack } = deviceEdgeStack();

    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-device-rule-errors', Prefix: 'errors/iot/', ExpirationInDays: 30, Status: 'Enabled' },
        ],
      },
    });
  });

  it('expires them after the days it is given', () => {
    const { stack } = deviceEdgeStack({ errorExpiration: Duration.days(7) });

    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'errors/iot/', ExpirationInDays: 7 })] },
    });
  });

  it('lets IoT Core assume its role for this rule of this account only', () => {
    const { stack, devices } = deviceEdgeStack();

    const role = templateOf(stack).Resources[logicalIdOf(stack, devices.role)];

    expect(role.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    const [trust] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toMatchObject({
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'iot.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(flatten(trust.Condition.ArnLike['aws:SourceArn'])).toBe(iotArn('rule/Test_device_telemetry'));
  });

  it('lets its role put records into the stream and objects under errors/iot/, and nothing else', () => {
    const { stack, devices, stream, lake } = deviceEdgeStack();

    const statements = Object.values(templateOf(stack).Resources as Record<string, Resource>)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          r.Properties.Roles.some((role: { Ref: string }) => role.Ref === logicalIdOf(stack, devices.role)),
      )
      .flatMap((p) => p.Properties.PolicyDocument.Statement);

    expect(statements.map((s) => ({ ...s, Resource: flatten(s.Resource) }))).toEqual([
      {
        Action: 'kinesis:PutRecord',
        Effect: 'Allow',
        Resource: `<${logicalIdOf(stack, stream)}.Arn>`,
      },
      {
        Action: 's3:PutObject',
        Effect: 'Allow',
        Resource: `<${logicalIdOf(stack, lake)}.Arn>/errors/iot/*`,
      },
    ]);
  });

  it("grants kms:GenerateDataKey on a stream's customer-managed key", () => {
    const stack = emptyStack();
    const key = new Key(stack, 'Key');
    const events = new Stream(stack, 'Events', { encryption: StreamEncryption.KMS, encryptionKey: key });
    new DeviceEdge(stack, 'Devices', { events, lake: new Bucket(stack, 'Lake') });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'kms:GenerateDataKey',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] },
          },
        ]),
      },
    });
  });

  it('creates the rule only once its role can act: after the role and its policy', () => {
    const { stack, devices } = deviceEdgeStack();

    const rule = onlyResourceOf(stack, 'AWS::IoT::TopicRule');

    const rolePolicy = devices.role.node.findChild('DefaultPolicy');
    expect(rule.DependsOn).toEqual(
      expect.arrayContaining([logicalIdOf(stack, devices.role), logicalIdOf(stack, rolePolicy)]),
    );
  });

  it('lets a device connect with its own thing name as client id and publish to its own topic, nothing else', () => {
    const { stack } = deviceEdgeStack();

    const { PolicyDocument } = onlyResourceOf(stack, 'AWS::IoT::Policy').Properties;

    expect({
      ...PolicyDocument,
      Statement: PolicyDocument.Statement.map((s: Record<string, unknown>) => ({
        ...s,
        Resource: flatten(s.Resource),
      })),
    }).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iot:Connect',
          Resource: iotArn('client/${iot:Connection.Thing.ThingName}'),
        },
        {
          Effect: 'Allow',
          Action: 'iot:Publish',
          Resource: iotArn('topic/streamlake/devices/${iot:Connection.Thing.ThingName}/telemetry'),
        },
      ],
    });
  });

  it('declares the thing type every device is registered as', () => {
    const { stack } = deviceEdgeStack();

    const thingType = onlyResourceOf(stack, 'AWS::IoT::ThingType').Properties;

    expect(thingType.ThingTypeProperties.ThingTypeDescription).toContain('streamlake/devices/');
    expect(thingType.ThingTypeName).toBeUndefined();
  });

  it('tells the topic of a device by its name', () => {
    const { devices } = deviceEdgeStack();

    expect(devices.telemetryTopicOf('sensor-0042')).toBe('streamlake/devices/sensor-0042/telemetry');
    expect(devices.topicFilter).toBe('streamlake/devices/+/telemetry');
  });

  it('adds no output of its own: the stack names the rule, the policy and the thing type', () => {
    const { stack } = deviceEdgeStack();

    expect(Object.keys(templateOf(stack).Outputs ?? {})).toEqual([]);
  });

  it.each([
    [Duration.days(0), 'device errorExpiration must be between 1 and 3650 days inclusive (given 0 days)'],
    [Duration.hours(36), 'device errorExpiration must be a whole number of days (given 1 day 12 hours)'],
  ])('fails if errorExpiration is %s, naming it', (errorExpiration, message) => {
    expect(() => deviceEdgeStack({ errorExpiration })).toThrow(message);
  });
});

describe('the device rule name', () => {
  it.each([
    ['Streamlake', 'Streamlake_device_telemetry'],
    ['streamlake-dev', 'streamlake_dev_device_telemetry'],
  ])('is the stack name %s with a suffix, in the characters IoT allows', (stackName, ruleName) => {
    expect(deviceRuleNameOf(stackName)).toBe(ruleName);
  });

  it('stays within the 128 characters IoT allows, keeping the suffix', () => {
    const name = deviceRuleNameOf(`S${'-x'.repeat(64)}`);

    expect(name).toHaveLength(128);
    expect(name).toMatch(/^[A-Za-z0-9_]+_device_telemetry$/);
  });
});

describe('the partition key template', () => {
  it('names the topic level that holds the device id, counting from 1', () => {
    expect(deviceIdFromTopic((id) => `fleet/${id}`)).toBe('${topic(2)}');
  });

  it('fails for a topic that does not hold the device id as a whole level, naming it', () => {
    expect(() => deviceIdFromTopic((id) => `devices/d-${id}`)).toThrow(
      'the device telemetry topic must hold the device id as one whole level (given "devices/d-<deviceId>")',
    );
  });
});

describe('the device edge in the Streamlake stack', () => {
  it('outputs the rule, the policy and the thing type by reference, and the telemetry topic', () => {
    const stack = streamlakeStackWith();

    const outputs = templateOf(stack).Outputs;

    expect(outputs.DeviceTopicRuleName.Value).toEqual({ Ref: stack.getLogicalId(stack.devices.rule) });
    expect(outputs.DevicePolicyName.Value).toEqual({ Ref: stack.getLogicalId(stack.devices.policy) });
    expect(outputs.DeviceThingTypeName.Value).toEqual({ Ref: stack.getLogicalId(stack.devices.thingType) });
    expect(outputs.DeviceTelemetryTopic.Value).toBe('streamlake/devices/{deviceId}/telemetry');
  });

  it('puts records into the stack stream and keeps failures in its lake bucket', () => {
    const stack = streamlakeStackWith();

    const { Actions, ErrorAction } = ruleOf(stack).TopicRulePayload;

    expect(Actions[0].Kinesis.StreamName).toEqual({ Ref: logicalIdOf(stack, stack.events.stream) });
    expect(ErrorAction.S3.BucketName).toEqual({ Ref: logicalIdOf(stack, stack.lake.bucket) });
  });

  it('takes errorExpiration from context, props winning', () => {
    const rulesOf = (stack: ReturnType<typeof streamlakeStackWith>) =>
      templateOf(stack).Resources[logicalIdOf(stack, stack.lake.bucket)].Properties.LifecycleConfiguration
        .Rules as { Id: string; ExpirationInDays?: number }[];
    const daysOf = (stack: ReturnType<typeof streamlakeStackWith>) =>
      rulesOf(stack).find((r) => r.Id === 'expire-device-rule-errors')?.ExpirationInDays;

    const fromContext = streamlakeStackWith({ 'streamlake:deviceErrorExpirationDays': '14' });
    const fromProps = streamlakeStackWith(
      { 'streamlake:deviceErrorExpirationDays': '14' },
      { devices: { errorExpiration: Duration.days(3) } },
    );

    expect(daysOf(fromContext)).toBe(14);
    expect(daysOf(fromProps)).toBe(3);
  });

  it('puts the rule on the ops view by the name its metrics carry', () => {
    const stack = streamlakeStackWith();

    expect(stack.ops.resources.devices).toEqual({ ruleName: 'Streamlake_device_telemetry' });
  });

  it("alarms on the rule's Kinesis failures, error-action failures and parse errors, to the ops topic", () => {
    const stack = streamlakeStackWith();

    const alarm = opsAlarmOf(stack, 'DeviceRuleErrors');

    const metrics = alarm.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: { MetricStat: { Metric: unknown } }) => m.MetricStat.Metric,
    );
    expect(metrics).toEqual([
      {
        Namespace: 'AWS/IoT',
        MetricName: 'Failure',
        Dimensions: [
          { Name: 'ActionType', Value: 'Kinesis' },
          { Name: 'RuleName', Value: 'Streamlake_device_telemetry' },
        ],
      },
      {
        Namespace: 'AWS/IoT',
        MetricName: 'ErrorActionFailure',
        Dimensions: [
          { Name: 'ActionType', Value: 'S3' },
          { Name: 'RuleName', Value: 'Streamlake_device_telemetry' },
        ],
      },
      {
        Namespace: 'AWS/IoT',
        MetricName: 'ParseError',
        Dimensions: [{ Name: 'RuleName', Value: 'Streamlake_device_telemetry' }],
      },
    ]);
    expect(alarm).toMatchObject({ Threshold: 0, EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    expect(alarm.AlarmActions).toEqual([{ Ref: logicalIdOf(stack, stack.ops.topic) }]);
  });

  it('takes the rule-errors threshold from context', () => {
    const stack = streamlakeStackWith({ 'streamlake:opsDeviceRuleErrorsPerMinute': '5' });

    expect(opsAlarmOf(stack, 'DeviceRuleErrors').Threshold).toBe(5);
  });

  it('passes the cdk-nag AwsSolutions checks with every finding acknowledged', () => {
    const { app } = streamlakeApp();

    const report = new AwsSolutionsChecks(app).validateScope(app);

    expect(report.violations).toEqual([]);
  });
});
