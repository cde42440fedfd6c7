// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IoT substitution templates (${topic(3)}) are the subject of these tests.
import { describe, expect, it } from 'vitest';
import { type LocalAccount, planFromTemplate, type Template } from '../../../../infra/local/template.ts';
import { TemplateIntrinsics } from '../../../../infra/local/template-intrinsics.ts';

const account: LocalAccount = { region: 'eu-west-1', accountId: '123456789012', stackName: 'streamlake-dev' };

const SQL = "SELECT *, topic() AS t FROM 'streamlake/devices/+/telemetry'";

const rule = (
  payload: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Template['Resources'][string] => ({
  Type: 'AWS::IoT::TopicRule',
  Properties: {
    TopicRulePayload: { Sql: SQL, AwsIotSqlVersion: '2016-03-23', Actions: [], ...payload },
    ...extra,
  },
});

const templateWith = (resources: Template['Resources']): Template => ({
  Resources: {
    Events: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
    Lake: { Type: 'AWS::S3::Bucket' },
    RuleErrors: { Type: 'AWS::Logs::LogGroup' },
    RuleRole: { Type: 'AWS::IAM::Role' },
    ...resources,
  },
});

describe('topic rules read from the template', () => {
  it('resolves the Kinesis action’s stream and the S3 error action’s bucket to their local names, templates untouched', () => {
    const template = templateWith({
      DeviceTelemetryRule: rule({
        Actions: [
          {
            Kinesis: {
              StreamName: { Ref: 'Events' },
              PartitionKey: '${topic(3)}',
              RoleArn: { 'Fn::GetAtt': ['RuleRole', 'Arn'] },
            },
          },
        ],
        ErrorAction: {
          S3: {
            BucketName: { Ref: 'Lake' },
            Key: 'errors/iot/${traceid()}.json',
            RoleArn: { 'Fn::GetAtt': ['RuleRole', 'Arn'] },
          },
        },
      }),
    });

    const [plan] = planFromTemplate(template, account).topicRules;

    expect(plan).toEqual({
      logicalId: 'DeviceTelemetryRule',
      ruleName: 'streamlake-dev-DeviceTelemetryRule',
      arn: 'arn:aws:iot:eu-west-1:123456789012:rule/streamlake-dev-DeviceTelemetryRule',
      sql: SQL,
      sqlVersion: '2016-03-23',
      disabled: false,
      actions: [
        {
          type: 'Kinesis',
          properties: {
            StreamName: 'streamlake-dev-Events',
            PartitionKey: '${topic(3)}',
            RoleArn: 'arn:aws:iam::123456789012:role/streamlake-dev-RuleRole',
          },
        },
      ],
      errorAction: {
        type: 'S3',
        properties: {
          BucketName: 'streamlake-dev-lake',
          Key: 'errors/iot/${traceid()}.json',
          RoleArn: 'arn:aws:iam::123456789012:role/streamlake-dev-RuleRole',
        },
      },
    });
  });

  it('keeps a declared RuleName, RuleDisabled, and the log group a CloudWatch Logs action writes to', () => {
    const template = templateWith({
      Rule: rule(
        {
          RuleDisabled: true,
          Actions: [{ Lambda: { FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f' } }],
          ErrorAction: { CloudwatchLogs: { LogGroupName: { Ref: 'RuleErrors' }, RoleArn: 'r' } },
        },
        { RuleName: 'device_rule' },
      ),
    });

    const [plan] = planFromTemplate(template, account).topicRules;

    expect(plan?.ruleName).toBe('device_rule');
    // A stack output `Ref`s the rule: it must name the same rule the metrics name.
    expect(new TemplateIntrinsics(template, account).resolve({ Ref: 'Rule' })).toBe('device_rule');
    expect(plan?.disabled).toBe(true);
    // Planned as declared: whether the engine runs a Lambda action is the engine's business.
    expect(plan?.actions[0]?.type).toBe('Lambda');
    expect(plan?.errorAction).toEqual({
      type: 'CloudwatchLogs',
      properties: { LogGroupName: 'streamlake-dev-RuleErrors', RoleArn: 'r' },
      logGroupLogicalId: 'RuleErrors',
    });
  });

  it('joins a SQL statement the template builds with Fn::Join', () => {
    const template = templateWith({
      Rule: rule({ Sql: { 'Fn::Join': ['', ["SELECT * FROM '", { Ref: 'AWS::StackName' }, "/+'"]] } }),
    });

    expect(planFromTemplate(template, account).topicRules[0]?.sql).toBe("SELECT * FROM 'streamlake-dev/+'");
  });

  it.each([
    [
      '2015-10-08',
      /rule Rule declares AwsIotSqlVersion "2015-10-08"; .* evaluates SQL version 2016-03-23 only/,
    ],
    ['beta', /rule Rule declares AwsIotSqlVersion "beta"; /],
    [
      undefined,
      /rule Rule declares no AwsIotSqlVersion, so AWS runs it as 2015-10-08; .*declare awsIotSqlVersion: '2016-03-23'/,
    ],
  ])('refuses SQL version %s, saying what to declare', (version, message) => {
    const template = templateWith({ Rule: rule({ AwsIotSqlVersion: version }) });

    expect(() => planFromTemplate(template, account)).toThrow(message);
  });

  it('refuses an action object naming two actions, and a rule without SQL', () => {
    const twoInOne = templateWith({
      Rule: rule({ Actions: [{ Kinesis: { StreamName: 'a' }, S3: { BucketName: 'b', Key: 'k' } }] }),
    });
    const noSql = templateWith({ Rule: rule({ Sql: '' }) });

    expect(() => planFromTemplate(twoInOne, account)).toThrow(
      'rule Rule action 1: an action names exactly one action type (given Kinesis, S3)',
    );
    expect(() => planFromTemplate(noSql, account)).toThrow('rule Rule declares no Sql (given "")');
  });

  it('plans no rules for a stack without any', () => {
    expect(planFromTemplate(templateWith({}), account).topicRules).toEqual([]);
  });
});
