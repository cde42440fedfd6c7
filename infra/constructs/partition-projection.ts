import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { DEFAULTS } from '../defaults.ts';

/** Partition columns, in key order: `dt=YYYY-MM-DD/hour=HH/`. */
export const PARTITION_KEYS = ['dt', 'hour'] as const;

/**
 * The table parameters by which Athena computes a table's partitions from the query's `dt` and `hour`
 * predicates (partition projection): no crawler or `MSCK REPAIR TABLE`, and a new hour is queryable as soon as
 * its first object lands. `location` ends with "/"; the partitions are `<location>dt=…/hour=…/`.
 */
export const hourlyPartitionProjection = (location: string): Record<string, string> => ({
  'projection.enabled': 'true',
  'projection.dt.type': 'date',
  'projection.dt.format': 'yyyy-MM-dd',
  'projection.dt.range': `${DEFAULTS.analytics.projectionStartDate},NOW`,
  'projection.dt.interval': '1',
  'projection.dt.interval.unit': 'DAYS',
  'projection.hour.type': 'integer',
  'projection.hour.range': '0,23',
  'projection.hour.digits': '2',
  'storage.location.template': `${location}dt=\${dt}/hour=\${hour}/`,
});

/**
 * `dt` is a string (`'2026-11-22'`, as in the key); `hour` an int (0 to 23, two digits in the key) so ranges
 * read naturally (`hour BETWEEN 9 AND 17`), as DuckDB's hive partitioning also types it.
 */
export const hourlyPartitionKeys = (clock: string): CfnTable.ColumnProperty[] => [
  { name: 'dt', type: 'string', comment: `${clock} day, yyyy-MM-dd (UTC)` },
  { name: 'hour', type: 'int', comment: `${clock} hour, 0 to 23 (UTC)` },
];
