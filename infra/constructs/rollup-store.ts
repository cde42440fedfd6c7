import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import {
  autoScaleCapacity,
  resolveTableCapacity,
  type TableCapacity,
  tableBilling,
} from './table-capacity.ts';

export interface RollupStoreProps {
  /**
   * What happens to the table on `cdk destroy`. Rollups are the product of the pipeline, so they are kept
   * unless a throwaway deployment (a demo, a test account) asks otherwise.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * On demand or provisioned with auto scaling (docs/decisions.md, D36).
   *
   * @default - on demand
   */
  readonly capacity?: TableCapacity;
}

/**
 * Where the aggregate stage writes: one item per (rollup, dimensions, event-time window).
 *
 * - `pk` / `sk` (strings): the rollup key and window, composed by the aggregator.
 * - on-demand billing by default (write volume follows the event rate, which is bursty), or provisioned with
 *   auto scaling (`capacity`).
 * - point-in-time recovery: a bad deploy of the aggregator can be rolled back to a known-good second.
 * - stream with new and old images: the fan-out stage diffs them to derive tables and alerts.
 * - TTL on `expiresAt` (epoch seconds): fine-grained windows age out on their own.
 */
export class RollupStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: RollupStoreProps = {}) {
    super(scope, id);
    const { partitionKey, sortKey, timeToLiveAttribute } = DEFAULTS.rollupStore;
    const capacity = resolveTableCapacity(props.capacity);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      ...tableBilling(capacity),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    });
    autoScaleCapacity(this.table, capacity);
  }
}
