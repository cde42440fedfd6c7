import type { IndexCounts, TableCounts } from './front-door-counts.ts';

/**
 * The utilization DynamoDB auto scaling (Application Auto Scaling target tracking) is set to hold: provisioned
 * units = consumed units per second ÷ this. 70 % is the console's default and the same headroom the stream's
 * shards are sized with (stream-capacity.ts).
 */
export const DEFAULT_TARGET_UTILIZATION = 0.7;

/** The least a provisioned table, and each of its global secondary indexes, may have of each unit. */
export const MIN_CAPACITY_UNITS = 1;

/** Capacity units a table's own items, or one of its global secondary indexes, consumed per event. */
export interface CapacityUse {
  readonly table: string;
  /** The global secondary index, or undefined for the table itself. */
  readonly index?: string;
  readonly writeUnits: number;
  readonly readUnits: number;
}

/** Capacity set on a table or index: write and read capacity units. */
export interface ProvisionedCapacity {
  readonly table: string;
  readonly index?: string;
  readonly writeUnits: number;
  readonly readUnits: number;
}

/**
 * What each table and each of its indexes consumed per event: the reported units split into the table's own and
 * its indexes' (a provisioned index has capacity of its own). `declared` (the template's tables and their indexes)
 * adds what consumed nothing — it is provisioned all the same; without it (a run saved before it was read), the
 * tables and indexes that consumed something.
 */
export const capacityUsePerEvent = (
  tables: Readonly<Record<string, TableCounts>>,
  events: number,
  declared?: Readonly<Record<string, readonly string[]>>,
): CapacityUse[] => {
  const per = (units: number) => units / Math.max(1, events);
  const names = [...new Set([...Object.keys(declared ?? {}), ...Object.keys(tables)])];
  return names.flatMap((table) => {
    const counts = tables[table];
    const measured = counts?.indexes ?? {};
    const indexNames = [...new Set([...(declared?.[table] ?? []), ...Object.keys(measured)])];
    const indexes = indexNames.map((index) => ({
      table,
      index,
      writeUnits: per(measured[index]?.writeUnits ?? 0),
      readUnits: per(measured[index]?.readUnits ?? 0),
    }));
    const ofIndexes = (pick: (units: IndexCounts) => number) =>
      Object.values(measured).reduce((sum, units) => sum + pick(units), 0);
    const own = {
      table,
      writeUnits: per(Math.max(0, (counts?.writeUnits ?? 0) - ofIndexes((i) => i.writeUnits))),
      readUnits: per(Math.max(0, (counts?.readUnits ?? 0) - ofIndexes((i) => i.readUnits))),
    };
    return [own, ...indexes];
  });
};

/** Units auto scaling holds for a steady `unitsPerSecond` at `target` utilization: whole units, at least one. */
export const unitsFor = (unitsPerSecond: number, target: number): number => {
  if (!(target > 0 && target <= 1))
    throw new RangeError(`the target utilization must be above 0 and at most 1 (given ${target})`);
  return Math.max(MIN_CAPACITY_UNITS, Math.ceil(unitsPerSecond / target - 1e-9));
};

/** Provisioned capacity of every table and index at `eventsPerSecond`. */
export const provisionedCapacity = (
  uses: readonly CapacityUse[],
  eventsPerSecond: number,
  target: number,
): ProvisionedCapacity[] =>
  uses.map((use) => ({
    table: use.table,
    ...(use.index === undefined ? {} : { index: use.index }),
    writeUnits: unitsFor(use.writeUnits * eventsPerSecond, target),
    readUnits: unitsFor(use.readUnits * eventsPerSecond, target),
  }));
