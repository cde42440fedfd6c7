import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Alerting } from '../../infra/constructs/alerting.ts';
import { emptyStack } from './stacks.ts';

describe('Alerting', () => {
  it('encrypts the topic with a customer-managed key that rotates', () => {
    const stack = emptyStack();

    new Alerting(stack, 'Alerting');

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertingTopicKey'), 'Arn'] },
    });
  });

  it('lets CloudWatch alarms use the key, in this account only, when alarms publish to it', () => {
    const stack = emptyStack();

    new Alerting(stack, 'Alerting', { alarmsPublish: true });

    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToUseTheKey',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  it('lets CloudWatch alarms publish when asked, and refuses publishing without TLS', () => {
    const stack = emptyStack();

    new Alerting(stack, 'Alerting', { alarmsPublish: true });

    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('grants CloudWatch nothing on a topic alarms do not publish to', () => {
    const stack = emptyStack();

    new Alerting(stack, 'Alerting');

    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(template).not.toContain('cloudwatch.amazonaws.com');
    expect(template).toContain('aws:SecureTransport');
  });

  it('subscribes an email address only when given one', () => {
    const withEmail = emptyStack();
    const without = emptyStack();

    new Alerting(withEmail, 'Alerting', { email: 'ops@example.com' });
    new Alerting(without, 'Alerting');

    Template.fromStack(withEmail).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^AlertingTopic') },
    });
    Template.fromStack(without).resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('names the topic and its key after what it carries, "alerts" by default', () => {
    const alerts = emptyStack();
    const ops = emptyStack();

    new Alerting(alerts, 'Alerting');
    new Alerting(ops, 'Ops', { purpose: 'ops alarms' });

    Template.fromStack(alerts).hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'streamlake alerts' });
    Template.fromStack(alerts).hasResourceProperties('AWS::KMS::Key', {
      Description: 'streamlake: encrypts the alerts topic',
    });
    Template.fromStack(ops).hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'streamlake ops alarms',
    });
    Template.fromStack(ops).hasResourceProperties('AWS::KMS::Key', {
      Description: 'streamlake: encrypts the ops alarms topic',
    });
  });

  it('fails if the email is not an address, naming the topic', () => {
    expect(() => new Alerting(emptyStack(), 'Alerting', { email: 'ops' })).toThrow(
      'alerts email must be an email address (given "ops")',
    );
    expect(() => new Alerting(emptyStack(), 'Ops', { purpose: 'ops alarms', email: 'ops@' })).toThrow(
      'ops alarms email must be an email address (given "ops@")',
    );
  });
});
