import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EventStream } from '../../infra/constructs/event-stream.ts';
import { emptyStack } from './stacks.ts';

describe('EventStream', () => {
  it('is an on-demand stream encrypted with the AWS-managed Kinesis key', () => {
    const stack = emptyStack();

    new EventStream(stack, 'Events');

    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('keeps records for 24 hours by default', () => {
    const stack = emptyStack();

    new EventStream(stack, 'Events');

    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 24 });
  });

  it('keeps records for the retention it is given', () => {
    const stack = emptyStack();

    new EventStream(stack, 'Events', { retention: Duration.days(7) });

    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 168 });
  });

  it('is retained on stack deletion by default and deleted when asked', () => {
    const retained = emptyStack();
    const destroyed = emptyStack();

    new EventStream(retained, 'Events');
    new EventStream(destroyed, 'Events', { removalPolicy: RemovalPolicy.DESTROY });

    Template.fromStack(retained).hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Retain' });
    Template.fromStack(destroyed).hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete' });
  });

  it('fails if retention is shorter than 24 hours', () => {
    expect(() => new EventStream(emptyStack(), 'Events', { retention: Duration.hours(12) })).toThrow(
      'retention must be between 24 and 8760 hours inclusive (given 12 hours)',
    );
  });
});
