import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  ProjectionType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import {
  autoScaleCapacity,
  indexBilling,
  resolveTableCapacity,
  type TableCapacity,
  tableBilling,
} from './table-capacity.ts';

export interface DerivedStoreProps {
  /**
   * What happens to the tables on `cdk destroy`.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * On demand or provisioned with auto scaling, for every table and index (docs/decisions.md, D36).
   *
   * @default - on demand
   */
  readonly capacity?: TableCapacity;
}

/**
 * Where the fan-out stage writes, one table per access pattern (on demand by default, point-in-time recovery,
 * AWS-managed KMS encryption):
 *
 * - derived rollups: `pk` = `<rollup>#<dims>` as in the rollups table, `sk` = `H#2026-11-22T05` or
 *   `D#2026-11-22`; TTL on `expiresAt`. The sparse `TopByCount` index (`rankKey` = `page_views#H#…`,
 *   `count`) answers "top N pages in hour H" with one Query, newest counts first, no scan.
 * - device state: `deviceId`; the sparse `BySilence` index (`fleet`, `lastSeen`, keys only) lets the
 *   silent check find devices not seen since a cutoff without a scan.
 * - alert state: `alertId` = `<rule>#<subject>`; state, recent minutes, last transition.
 */
export class DerivedStore extends Construct {
  readonly derivedRollups: Table;
  readonly deviceState: Table;
  readonly alertState: Table;

  constructor(scope: Construct, id: string, props: DerivedStoreProps = {}) {
    super(scope, id);
    const defaults = DEFAULTS.derivedStore;
    const capacity = resolveTableCapacity(props.capacity);
    const common: Partial<TableProps> = {
      ...tableBilling(capacity),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    };

    this.derivedRollups = new Table(this, 'DerivedRollupsTable', {
      ...common,
      partitionKey: { name: defaults.partitionKey, type: AttributeType.STRING },
      sortKey: { name: defaults.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: defaults.timeToLiveAttribute,
    });
    this.derivedRollups.addGlobalSecondaryIndex({
      indexName: defaults.topIndex.name,
      partitionKey: { name: defaults.topIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: defaults.topIndex.sortKey, type: AttributeType.NUMBER },
      projectionType: ProjectionType.ALL,
      ...indexBilling(capacity),
    });

    this.deviceState = new Table(this, 'DeviceStateTable', {
      ...common,
      partitionKey: { name: defaults.deviceKey, type: AttributeType.STRING },
    });
    this.deviceState.addGlobalSecondaryIndex({
      indexName: defaults.silenceIndex.name,
      partitionKey: { name: defaults.silenceIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: defaults.silenceIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
      ...indexBilling(capacity),
    });

    this.alertState = new Table(this, 'AlertStateTable', {
      ...common,
      partitionKey: { name: defaults.alertKey, type: AttributeType.STRING },
    });
    autoScaleCapacity(this.derivedRollups, capacity, [defaults.topIndex.name]);
    autoScaleCapacity(this.deviceState, capacity, [defaults.silenceIndex.name]);
    autoScaleCapacity(this.alertState, capacity);
  }
}
