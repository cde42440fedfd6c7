import type { CfnTable } from 'aws-cdk-lib/aws-glue';

/** Glue (Hive) column types as Athena's views declare them (Trino types); the ones schemas/columns.ts uses. */
const PRESTO_TYPES: Readonly<Record<string, string>> = {
  string: 'varchar',
  int: 'integer',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp(3)',
};

export interface PrestoViewOptions {
  readonly name: string;
  readonly description: string;
  /** The Glue database the view's unqualified table names resolve in. */
  readonly database: string;
  /** The view's query (Trino SQL). */
  readonly sql: string;
  /** What the query returns, in order, with Glue (Hive) types. */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

/**
 * A Glue table Athena reads as a view: TableType VIRTUAL_VIEW, the query and its typed columns as base64 JSON in
 * ViewOriginalText (the format Athena's own CREATE VIEW writes), Hive types in the storage descriptor.
 */
export const prestoViewInput = (options: PrestoViewOptions): CfnTable.TableInputProperty => {
  const columns = options.columns.map(({ name, type }) => {
    const presto = PRESTO_TYPES[type];
    if (!presto) {
      throw new Error(
        `view ${options.name}: column ${name} has the Glue type ${type}, which has no Athena view type here; add it to PRESTO_TYPES`,
      );
    }
    return { name, type: presto };
  });
  const view = { originalSql: options.sql, catalog: 'awsdatacatalog', schema: options.database, columns };
  return {
    name: options.name,
    description: options.description,
    tableType: 'VIRTUAL_VIEW',
    parameters: { presto_view: 'true', comment: 'Presto View' },
    partitionKeys: [],
    viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(view)).toString('base64')} */`,
    viewExpandedText: '/* Presto View */',
    storageDescriptor: {
      columns: options.columns.map(({ name, type }) => ({ name, type })),
      serdeInfo: {},
    },
  };
};
