import type { TObject, TSchema } from '@sinclair/typebox';
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  Schema,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow';
import { DATASETS, type Dataset, EDGE_FIELD, UTC_TIME } from './envelope.ts';
import { CONTRACTS, datasetOf } from './registry.ts';

/**
 * How a column is stored. `string` is dictionary-encoded UTF-8 (event fields are mostly low-cardinality
 * names); `json` holds an object or array field serialized as a JSON string (no contract has one yet).
 */
export type ColumnKind = 'timestamp' | 'int32' | 'int64' | 'double' | 'bool' | 'string' | 'json';

export interface Column {
  /** snake_case column name: `event_id`. */
  readonly name: string;
  /** The event field it holds: `eventId`. */
  readonly field: string;
  /** For a field stored as one column per property (the edge context), the property: `receivedAt`. */
  readonly subfield?: string;
  readonly kind: ColumnKind;
  /** False only when every contract of the dataset requires the field. */
  readonly nullable: boolean;
}

const ENVELOPE = ['schema', 'version', 'eventId', 'eventTime'];
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** `eventId` → `event_id`, `durationMs` → `duration_ms`. */
export const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const fitsInt32 = (schema: TSchema): boolean =>
  typeof schema.minimum === 'number' &&
  typeof schema.maximum === 'number' &&
  schema.minimum >= INT32_MIN &&
  schema.maximum <= INT32_MAX;

/** The column kind of one field's TypeBox schema, or undefined when it has none. */
const kindOf = (field: string, schema: TSchema): ColumnKind | undefined => {
  // eventTime, the edge's receivedAt: read as instants, so time ranges prune files and compare as times.
  if (schema.pattern === UTC_TIME) return 'timestamp';
  if (Array.isArray(schema.anyOf)) {
    const kinds = new Set((schema.anyOf as TSchema[]).map((member) => kindOf(field, member)));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }
  if (schema.const !== undefined) {
    if (typeof schema.const === 'string') return 'string';
    if (typeof schema.const === 'boolean') return 'bool';
    if (Number.isInteger(schema.const)) return Math.abs(schema.const) <= INT32_MAX ? 'int32' : 'int64';
    return 'double';
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
      return fitsInt32(schema) ? 'int32' : 'int64';
    case 'number':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'object':
    case 'array':
      return 'json';
    default:
      return undefined;
  }
};

/** Two contracts typing one field differently: integers widen, then to double; anything else is a conflict. */
const widen = (a: ColumnKind, b: ColumnKind): ColumnKind | undefined => {
  if (a === b) return a;
  const numeric = ['int32', 'int64', 'double'];
  if (numeric.includes(a) && numeric.includes(b))
    return a === 'double' || b === 'double' ? 'double' : 'int64';
  return undefined;
};

const contractName = (contract: TObject) => String(contract.$id);

/** What the contracts of one table say about its fields so far: kind, how many declare and require each. */
interface FieldTally {
  readonly kinds: Map<string, ColumnKind>;
  readonly declaredIn: Map<string, number>;
  readonly requiredIn: Map<string, number>;
  /** Fields in the order first declared. */
  readonly order: string[];
  /** The edge context's schema, when the contracts accept one. */
  edge?: TObject;
}

/** Adds one contract's field to the tally, widening its kind; throws when it has none or the kinds conflict. */
const tallyField = (tally: FieldTally, contract: TObject, field: string, schema: TSchema): void => {
  const kind = kindOf(field, schema);
  if (!kind) {
    throw new Error(
      `${contractName(contract)}: field ${field} has no column type (given ${JSON.stringify(schema)}); use a string, number, integer, boolean, object or array`,
    );
  }
  const known = tally.kinds.get(field);
  const merged = known ? widen(known, kind) : kind;
  if (!merged) {
    throw new Error(
      `${contractName(contract)}: field ${field} is ${kind}, but another contract of its dataset makes it ${known}; give the new meaning a new field name`,
    );
  }
  if (!known) tally.order.push(field);
  tally.kinds.set(field, merged);
  tally.declaredIn.set(field, (tally.declaredIn.get(field) ?? 0) + 1);
  if (contract.required?.includes(field)) tally.requiredIn.set(field, (tally.requiredIn.get(field) ?? 0) + 1);
};

/**
 * The one table schema of a set of contracts (a dataset's, every version): the union of their fields.
 * Order: the envelope (schema, version, event_id, event_time); then identity, i.e. the fields every
 * contract declares, in declaration order; then all other fields alphabetically, so a new contract or
 * version never depends on where it is listed; last the edge context, one column per property. Readers match
 * columns by name, not position.
 */
export const columnsOf = (contracts: readonly TObject[]): Column[] => {
  if (contracts.length === 0) throw new Error('columnsOf needs at least one contract');
  const tally: FieldTally = { kinds: new Map(), declaredIn: new Map(), requiredIn: new Map(), order: [] };
  for (const contract of contracts) {
    for (const [field, schema] of Object.entries(contract.properties)) {
      if (field === EDGE_FIELD) tally.edge = schema as TObject;
      else tallyField(tally, contract, field, schema);
    }
  }
  const { kinds, declaredIn, requiredIn, order } = tally;
  const identity = order.filter((f) => !ENVELOPE.includes(f) && declaredIn.get(f) === contracts.length);
  const rest = order.filter((f) => !ENVELOPE.includes(f) && !identity.includes(f)).sort();
  const columns = [...ENVELOPE, ...identity, ...rest].map((field) => ({
    name: snakeCase(field),
    field,
    kind: kinds.get(field) as ColumnKind,
    nullable: requiredIn.get(field) !== contracts.length,
  }));
  return assertDistinctNames([...columns, ...(tally.edge ? edgeColumns(tally.edge) : [])]);
};

/**
 * The edge context as columns after the event's own, one per property in declaration order: `edge_received_at`,
 * `edge_request_id`, … All nullable: events that came through no edge (simulators, direct producers) have none.
 */
const edgeColumns = (edge: TObject): Column[] =>
  Object.entries(edge.properties).map(([subfield, schema]) => {
    const kind = kindOf(subfield, schema);
    if (!kind || kind === 'json') {
      throw new Error(
        `${EDGE_FIELD}.${subfield} has no scalar column type (given ${JSON.stringify(schema)}); keep the edge context flat`,
      );
    }
    return {
      name: `${EDGE_FIELD}_${snakeCase(subfield)}`,
      field: EDGE_FIELD,
      subfield,
      kind,
      nullable: true,
    };
  });

const pathOf = (column: Column) => (column.subfield ? `${column.field}.${column.subfield}` : column.field);

const assertDistinctNames = (columns: Column[]): Column[] => {
  const byName = new Map<string, Column>();
  for (const column of columns) {
    const other = byName.get(column.name);
    if (other) {
      throw new Error(
        `columns ${pathOf(other)} and ${pathOf(column)} would both be named ${column.name}; rename the event field`,
      );
    }
    byName.set(column.name, column);
  }
  return columns;
};

/** The value a column holds for one event: the field, or the property of it (undefined when absent). */
export const columnValue = (column: Column, event: object): unknown => {
  const value = (event as Record<string, unknown>)[column.field];
  if (column.subfield === undefined) return value;
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[column.subfield]
    : undefined;
};

// Derived on first use, so importing schemas/ costs nothing to code that never asks for columns.
const columnsByDataset = new Map<Dataset, readonly Column[]>();

/** The columns of a dataset's table, derived from its contracts in CONTRACTS. */
export const datasetColumns = (dataset: Dataset): readonly Column[] => {
  let columns = columnsByDataset.get(dataset);
  if (!columns) {
    if (!DATASETS.includes(dataset)) {
      throw new Error(`unknown dataset ${JSON.stringify(dataset)}; known: ${DATASETS.join(', ')}`);
    }
    columns = columnsOf(CONTRACTS.filter((c) => datasetOf(String(c.properties.schema?.const)) === dataset));
    columnsByDataset.set(dataset, columns);
  }
  return columns;
};

/**
 * Arrow type per kind. Timestamps are milliseconds since the epoch in UTC, stored without a zone
 * (Parquet `isAdjustedToUTC=false`), which Athena/Hive and DuckDB read as a plain TIMESTAMP.
 */
const arrowTypeOf = (kind: ColumnKind) => {
  switch (kind) {
    case 'timestamp':
      return new TimestampMillisecond();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'double':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'string':
      return new Dictionary(new Utf8(), new Int32());
    case 'json':
      return new Utf8();
  }
};

const arrowSchemas = new Map<Dataset, Schema>();

/** The Arrow schema of a dataset's table (one instance per dataset, so dictionary ids stay fixed). */
export const arrowSchemaOf = (dataset: Dataset): Schema => {
  let schema = arrowSchemas.get(dataset);
  if (!schema) {
    const fields = datasetColumns(dataset).map((c) => new Field(c.name, arrowTypeOf(c.kind), c.nullable));
    schema = new Schema(fields);
    arrowSchemas.set(dataset, schema);
  }
  return schema;
};

const GLUE_TYPES: Record<ColumnKind, string> = {
  timestamp: 'timestamp',
  int32: 'int',
  int64: 'bigint',
  double: 'double',
  bool: 'boolean',
  string: 'string',
  json: 'string',
};

/** The dataset's columns as Glue/Hive types, for the catalog table (partition keys dt and hour are not included). */
export const glueColumnsOf = (dataset: Dataset): { name: string; type: string }[] =>
  datasetColumns(dataset).map((c) => ({ name: c.name, type: GLUE_TYPES[c.kind] }));
