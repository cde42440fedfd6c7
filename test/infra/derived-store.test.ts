import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DerivedStore } from '../../infra/constructs/derived-store.ts';
import { emptyStack } from './stacks.ts';

describe('DerivedStore', () => {
  it('keys derived rollups like the rollups table and ranks page views per period in a sparse index', () => {
    const stack = emptyStack();

    new DerivedStore(stack, 'Derived');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'TopByCount',
          KeySchema: [
            { AttributeName: 'rankKey', KeyType: 'HASH' },
            { AttributeName: 'count', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('keys device state by device and finds silent devices through a keys-only index', () => {
    const stack = emptyStack();

    new DerivedStore(stack, 'Derived');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'deviceId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'BySilence',
          KeySchema: [
            { AttributeName: 'fleet', KeyType: 'HASH' },
            { AttributeName: 'lastSeen', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });

  it('keys alert state by rule and subject', () => {
    const stack = emptyStack();

    new DerivedStore(stack, 'Derived');

    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'alertId', KeyType: 'HASH' }],
    });
  });

  it('bills per request, encrypts with KMS and can be restored to any point in time', () => {
    const stack = emptyStack();

    new DerivedStore(stack, 'Derived');

    const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
    expect(Object.keys(tables)).toHaveLength(3);
  });

  it('is retained on stack deletion by default and deleted when asked', () => {
    const retained = emptyStack();
    const destroyed = emptyStack();

    new DerivedStore(retained, 'Derived');
    new DerivedStore(destroyed, 'Derived', { removalPolicy: RemovalPolicy.DESTROY });

    expect(
      Object.keys(
        Template.fromStack(retained).findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' }),
      ),
    ).toHaveLength(3);
    expect(
      Object.keys(
        Template.fromStack(destroyed).findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' }),
      ),
    ).toHaveLength(3);
  });
});
