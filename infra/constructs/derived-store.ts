import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';

export interface DerivedStoreProps {
  /**
   * What happens to the tables on `cdk destroy`.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where the fan-out stage writes, one table per access pattern (on-demand, point-in-time recovery,
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
    const common: Partial<TableProps> = {
      billingMode: BillingMode.PAY_PER_REQUEST,
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
    });

    this.alertState = new Table(this, 'AlertStateTable', {
      ...common,
      partitionKey: { name: defaults.alertKey, type: AttributeType.STRING },
    });
  }
}
