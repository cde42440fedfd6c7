import { Duration, Size, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { LakeCompaction, type LakeCompactionProps } from '../../infra/constructs/lake-compaction.ts';
import { emptyStack } from './stacks.ts';

const compactionStack = (
  settings: Partial<LakeCompactionProps> = {},
): { stack: Stack; compaction: LakeCompaction } => {
  const stack = emptyStack();
  const compaction = new LakeCompaction(stack, 'Compaction', {
    lake: new Bucket(stack, 'Lake'),
    ...settings,
  });
  return { stack, compaction };
};

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

const statementsOf = (stack: Stack): Statement[] =>
  Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement,
  );

describe('LakeCompaction', () => {
  it('runs the compaction entry hourly from an EventBridge schedule', () => {
    const { stack } = compactionStack();
    const template = Template.fromStack(stack);

    template.hasResource('AWS::Lambda::Function', {
      Properties: Match.objectLike({ Handler: 'index.handler', MemorySize: 4096, Timeout: 900 }),
      Metadata: Match.objectLike({ 'streamlake:entry': 'processors/compact/handler.ts' }),
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });

  it('hands the handler the stack policy and its own settings through the environment', () => {
    const { stack } = compactionStack({
      eventTime: { allowedLateness: Duration.hours(2) },
      gracePeriod: Duration.minutes(45),
      targetPartSize: Size.mebibytes(512),
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LAKE_PREFIX: 'lake/',
          ALLOWED_LATENESS_SECONDS: '7200',
          COMPACTION_SETTLE_MARGIN_SECONDS: '900',
          COMPACTION_GRACE_SECONDS: '2700',
          COMPACTION_TARGET_PART_MIB: '512',
          COMPACTION_WRITE_MARGIN_SECONDS: '120',
        }),
      },
    });
  });

  it('may list the lake prefix and read, write and delete objects under it, nothing else', () => {
    const { stack } = compactionStack();
    const statements = statementsOf(stack);

    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([
      expect.objectContaining({
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': ['lake/*'] } },
      }),
      expect.objectContaining({
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Lake/), 'Arn'] }, '/lake/*']],
        },
      }),
    ]);
  });

  it.each([
    [
      'a target part of 64 MiB',
      { targetPartSize: Size.mebibytes(64) },
      'between 128 and 512 inclusive (given 64)',
    ],
    [
      'an interval of 30 seconds',
      { interval: Duration.seconds(30) },
      'compaction interval must be a whole number of minutes',
    ],
    [
      'a write margin of 0',
      { writeMargin: Duration.seconds(0) },
      'between 1 and 900 seconds inclusive (given 0 seconds)',
    ],
  ])('fails if given %s, naming the value', (_, settings, message) => {
    expect(() => compactionStack(settings)).toThrow(message);
  });

  it('passes the cdk-nag AwsSolutions checks, every finding of its own acknowledged with a reason', () => {
    const { stack } = compactionStack();
    const findings = new AwsSolutionsChecks(stack)
      .validateScope(stack)
      .violations.flatMap((v) =>
        v.violatingResources
          .filter((r) => r.constructPath?.startsWith('Test/Compaction/'))
          .map((r) => `${v.ruleName} ${r.constructPath}`),
      );

    expect(findings).toEqual([]);
  });
});
