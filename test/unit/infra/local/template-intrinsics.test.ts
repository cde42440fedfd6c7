import { describe, expect, it } from 'vitest';
import type { LocalAccount, Template } from '../../../../infra/local/template.ts';
import { TemplateIntrinsics } from '../../../../infra/local/template-intrinsics.ts';

const account: LocalAccount = { region: 'eu-west-1', accountId: '123456789012', stackName: 'streamlake' };
const template: Template = {
  Resources: {
    Events: { Type: 'AWS::Kinesis::Stream', Properties: { StreamName: 'events' } },
    Rollups: { Type: 'AWS::DynamoDB::Table' },
    Lake_Bucket: { Type: 'AWS::S3::Bucket' },
    Alerts: { Type: 'AWS::SNS::Topic' },
  },
};
const intrinsics = new TemplateIntrinsics(template, account);

describe('TemplateIntrinsics', () => {
  it('names a resource by the name it declares, else `<stack>-<logical id>` (lower-cased for a bucket)', () => {
    expect(['Events', 'Rollups', 'Lake_Bucket'].map((id) => intrinsics.nameOf(id))).toEqual([
      'events',
      'streamlake-Rollups',
      'streamlake-lake-bucket',
    ]);
  });

  it.each([
    [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    [{ Ref: 'AWS::AccountId' }, '123456789012'],
    [{ Ref: 'AWS::StackName' }, 'streamlake'],
    [{ Ref: 'Rollups' }, 'streamlake-Rollups'],
    [{ Ref: 'Alerts' }, 'arn:aws:sns:eu-west-1:123456789012:streamlake-Alerts'],
    [{ 'Fn::GetAtt': ['Events', 'Arn'] }, 'arn:aws:kinesis:eu-west-1:123456789012:stream/events'],
    [
      { 'Fn::GetAtt': ['Rollups', 'StreamArn'] },
      'arn:aws:dynamodb:eu-west-1:123456789012:table/streamlake-Rollups/stream/local',
    ],
    [{ 'Fn::GetAtt': ['Alerts', 'TopicName'] }, 'streamlake-Alerts'],
    [
      { 'Fn::Join': ['/', ['a', { Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }]] },
      'a/aws/amazonaws.com',
    ],
  ])('resolves %j to %s', (value, resolved) => {
    expect(intrinsics.resolve(value)).toBe(resolved);
  });

  it('resolves deep inside objects and lists, leaving plain values as they are', () => {
    expect(intrinsics.resolve({ list: [{ Ref: 'Rollups' }, 3, null], flag: true })).toEqual({
      list: ['streamlake-Rollups', 3, null],
      flag: true,
    });
  });

  it('refuses an attribute the local cloud does not support, and a resource the template does not declare', () => {
    expect(() => intrinsics.resolve({ 'Fn::GetAtt': ['Events', 'Nope'] })).toThrow(
      'Fn::GetAtt Events.Nope is not supported by the local cloud',
    );
    expect(() => intrinsics.resolve({ Ref: 'Missing' })).toThrow('template refers to Missing');
  });
});
