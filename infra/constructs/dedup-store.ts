import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, type ITable, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import {
  autoScaleCapacity,
  resolveTableCapacity,
  type TableCapacity,
  tableBilling,
} from './table-capacity.ts';

/**
 * Where the Kinesis consumers remember the first copy of each event for the duplicate horizon
 * (docs/decisions.md, D14): one item per consumer, shard and batch, 12 bytes an event.
 *
 * - `pk` = `<consumer>#<shard>`, `sk` = `<arrival ms>#<first sequence number>` (strings): a consumer reads the
 *   horizon of its shard with one Query.
 * - on-demand billing (or provisioned with auto scaling, `capacity`), TTL on `expiresAt`: items are written once and age out after the horizon.
 * - no point-in-time recovery: it holds nothing past the horizon that anyone reads.
 * - beside them, one small item per shard for the archive, `pk = archive-intent#<shard>`: the lake files its
 *   last batch announced before writing them (docs/decisions.md, the archive's crash window), replaced each batch.
 */
export interface DedupStoreProps {
  /**
   * What happens to the table on `cdk destroy`; the stack's policy, like every table.
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

export class DedupStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DedupStoreProps = {}) {
    super(scope, id);
    const { partitionKey, sortKey, timeToLiveAttribute } = DEFAULTS.dedupStore;
    const capacity = resolveTableCapacity(props.capacity);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      ...tableBilling(capacity),
      timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    });
    autoScaleCapacity(this.table, capacity);
    Validations.of(this.table).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'The table holds only what the consumers remember for the duplicate horizon (minutes); a restore ' +
        'would bring back nothing that is still read, so point-in-time recovery would be cost without use.',
    });
  }
}

/**
 * Lets a Kinesis consumer remember first copies in `table` (its handler reads the name from `DEDUP_TABLE`): it
 * queries its shard's items and puts one per batch, never updates, scans or deletes.
 */
export function rememberFirstCopies(table: ITable, consumer: LambdaFunction): void {
  table.grant(consumer, 'dynamodb:Query', 'dynamodb:PutItem');
  consumer.addEnvironment('DEDUP_TABLE', table.tableName);
}
