import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EventStream } from '../../infra/constructs/event-stream.ts';
import { emptyStack } from './stacks.ts';

describe('EventStream', () => {
  it('is a provisioned stream of 2 shards encrypted with the AWS-managed Kinesis key', () => {
    const stack = emptyStack();

    new EventStream(stack, 'Events');

    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 2,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('has the shards it is given, or on-demand capacity when asked', () => {
    const sized = emptyStack();
    const onDemand = emptyStack();

    new EventStream(sized, 'Events', { shards: 14 });
    new EventStream(onDemand, 'Events', { shards: 14, onDemand: true });

    Template.fromStack(sized).hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 14 });
    const stream = Object.values(Template.fromStack(onDemand).findResources('AWS::Kinesis::Stream'))[0];
    expect(stream?.Properties.StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
    expect(stream?.Properties.ShardCount).toBeUndefined();
  });

  it('fails on a shard count outside 1 to 500, naming it', () => {
    expect(() => new EventStream(emptyStack(), 'Events', { shards: 0 })).toThrow(/shards.*\(given 0\)/);
    expect(() => new EventStream(emptyStack(), 'Events', { shards: 2.5 })).toThrow(/shards.*\(given 2\.5\)/);
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
