import { BillingMode, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { assertWholeNumberInRange } from './validate.ts';

/**
 * How the stack's DynamoDB tables pay for capacity (docs/decisions.md, D36): on demand, per request, or provisioned
 * with Application Auto Scaling tracking a target utilization on every table and secondary index. Provisioned at
 * a 70 % target costs ≈ 41 % of on-demand for steady traffic; it can throttle a burst far above the recent rate
 * (a catch-up after an outage, a backfill) until auto scaling follows — the consumers retry throttled writes, so
 * that costs time, not events.
 */
export interface TableCapacity {
  /**
   * Pay per request (true) or provision with auto scaling (false).
   *
   * @default true
   */
  readonly onDemand?: boolean;

  /**
   * The utilization auto scaling keeps each table's and index's consumed units at, in per cent.
   *
   * Valid range: 20 to 90 whole per cent.
   *
   * @default 70
   */
  readonly targetUtilizationPercent?: number;

  /**
   * The most write units (and read units) auto scaling may provision per table and per index.
   *
   * Valid range: 1 to 40000.
   *
   * @default 4000
   */
  readonly maxUnits?: number;
}

export const DEFAULT_TABLE_CAPACITY: Required<TableCapacity> = {
  onDemand: true,
  targetUtilizationPercent: 70,
  maxUnits: 4000,
};

/** Fills in the defaults and validates every knob, naming the first bad value. */
export const resolveTableCapacity = (capacity: TableCapacity = {}): Required<TableCapacity> => {
  const resolved = { ...DEFAULT_TABLE_CAPACITY, ...capacity };
  assertWholeNumberInRange('targetUtilizationPercent', resolved.targetUtilizationPercent, 20, 90);
  assertWholeNumberInRange('maxUnits', resolved.maxUnits, 1, 40_000);
  return resolved;
};

/** A table's billing properties: on demand, or provisioned from 1 unit (auto scaling takes it from there). */
export const tableBilling = (capacity: Required<TableCapacity>) =>
  capacity.onDemand
    ? { billingMode: BillingMode.PAY_PER_REQUEST }
    : { billingMode: BillingMode.PROVISIONED, readCapacity: 1, writeCapacity: 1 };

/** A global secondary index's own capacity: none on demand, 1 unit to start when provisioned. */
export const indexBilling = (capacity: Required<TableCapacity>) =>
  capacity.onDemand ? {} : { readCapacity: 1, writeCapacity: 1 };

/**
 * Auto scaling of reads and writes on `table` and each of its `indexes` (an index short of write capacity throttles
 * the table's writes), from 1 unit to `maxUnits` at the target; nothing on demand.
 */
export const autoScaleCapacity = (
  table: Table,
  capacity: Required<TableCapacity>,
  indexes: readonly string[] = [],
): void => {
  if (capacity.onDemand) return;
  const range = { minCapacity: 1, maxCapacity: capacity.maxUnits };
  const target = { targetUtilizationPercent: capacity.targetUtilizationPercent };
  table.autoScaleWriteCapacity(range).scaleOnUtilization(target);
  table.autoScaleReadCapacity(range).scaleOnUtilization(target);
  for (const index of indexes) {
    table.autoScaleGlobalSecondaryIndexWriteCapacity(index, range).scaleOnUtilization(target);
    table.autoScaleGlobalSecondaryIndexReadCapacity(index, range).scaleOnUtilization(target);
  }
};
