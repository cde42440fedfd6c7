import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';

export interface RollupStoreProps {
  /**
   * What happens to the table on `cdk destroy`. Rollups are the product of the pipeline, so they are kept
   * unless a throwaway deployment (a demo, a test account) asks otherwise.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where the aggregate stage writes: one item per (rollup, dimensions, event-time window).
 *
 * - `pk` / `sk` (strings): the rollup key and window, composed by the aggregator.
 * - on-demand billing: write volume follows the event rate, which is bursty.
 * - point-in-time recovery: a bad deploy of the aggregator can be rolled back to a known-good second.
 * - stream with new and old images: the fan-out stage diffs them to derive tables and alerts.
 * - TTL on `expiresAt` (epoch seconds): fine-grained windows age out on their own.
 */
export class RollupStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: RollupStoreProps = {}) {
    super(scope, id);
    const { partitionKey, sortKey, timeToLiveAttribute } = DEFAULTS.rollupStore;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    });
  }
}
