import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { RollupStore } from '../../infra/constructs/rollup-store.ts';
import { emptyStack } from './stacks.ts';

describe('RollupStore', () => {
  it('keys rollups by string pk and sk', () => {
    const stack = emptyStack();

    new RollupStore(stack, 'Rollups');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    });
  });

  it('bills per request', () => {
    const stack = emptyStack();

    new RollupStore(stack, 'Rollups');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('can be restored to any point in time', () => {
    const stack = emptyStack();

    new RollupStore(stack, 'Rollups');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('streams new and old images for the fan-out stage', () => {
    const stack = emptyStack();

    new RollupStore(stack, 'Rollups');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('expires items by their expiresAt attribute', () => {
    const stack = emptyStack();

    new RollupStore(stack, 'Rollups');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is retained on stack deletion by default and deleted when asked', () => {
    const retained = emptyStack();
    const destroyed = emptyStack();

    new RollupStore(retained, 'Rollups');
    new RollupStore(destroyed, 'Rollups', { removalPolicy: RemovalPolicy.DESTROY });

    Template.fromStack(retained).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    Template.fromStack(destroyed).hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });
});
