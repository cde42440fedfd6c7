import { Aws, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { glueColumnsOf } from '../../schemas/columns.ts';
import { DATASETS, type Dataset } from '../../schemas/envelope.ts';
import { DEFAULTS } from '../defaults.ts';
import { prestoViewInput } from './analytics-catalog/presto-view.ts';
import { athenaListingSql, lakeViewSql, PATH_COLUMN } from './analytics-catalog/visible-files-sql.ts';
import { securedBucket } from './lake-bucket.ts';
import { hourlyPartitionKeys, hourlyPartitionProjection, PARTITION_KEYS } from './partition-projection.ts';
import { rawEventsTableInput } from './raw-zone/raw-events-table.ts';
import { assertDurationInRange, assertKeyPrefix } from './validate.ts';

/** The knobs of the analytics catalog. */
export interface AnalyticsSettings {
  /**
   * Glue database holding one table per dataset; unique per account and region. 1 to 255 lower-case
   * letters, digits or underscores (what Athena accepts unquoted).
   *
   * @default "streamlake"
   */
  readonly databaseName?: string;

  /**
   * Athena workgroup analysts query in; unique per account and region. 1 to 128 letters, digits, ".", "_" or "-".
   *
   * @default "streamlake"
   */
  readonly workGroupName?: string;

  /**
   * How long query results are kept in the results bucket. Whole days, 1 to 3650.
   *
   * @default Duration.days(30)
   */
  readonly resultsExpiration?: Duration;
}

export interface AnalyticsCatalogProps extends AnalyticsSettings {
  /** The bucket holding the Parquet files. */
  readonly lake: IBucket;
  /**
   * Key prefix of the Parquet files in the lake bucket; must end with "/".
   *
   * @default "lake/"
   */
  readonly lakePrefix?: string;
  /** Where the results bucket's server access logs go (the lake's access-logs bucket). */
  readonly accessLogs: IBucket;
  /**
   * The raw zone, read as the `raw_events` table: its bucket and the key prefix of its objects (ending with "/").
   *
   * @default - no raw_events table
   */
  readonly rawZone?: { readonly bucket: IBucket; readonly prefix: string };
  /**
   * What happens to the results bucket on `cdk destroy`; the catalog itself is metadata and is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const PARQUET = {
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
} as const;

/**
 * The lake as analysts see it: a Glue database with, per dataset, an external Parquet table `<dataset>_files`
 * over `lake/<dataset>/` and a view `<dataset>` reading only its visible files (D31), and, given the raw zone,
 * one JSON table `raw_events` over `raw/` of its bucket, and an Athena workgroup (engine version 3) whose
 * settings (results bucket, SSE-S3 results) clients cannot override.
 *
 * Partitions (`dt`, `hour`) are found by partition projection (partition-projection.ts): event time for the
 * lake's tables, arrival time for raw_events.
 */
export class AnalyticsCatalog extends Construct {
  readonly database: CfnDatabase;
  /** Per dataset, `<dataset>_files`: every Parquet object under `lake/<dataset>/`, superseded ones included. */
  readonly fileTables: Record<Dataset, CfnTable>;
  /** Per dataset, `<dataset>`: the view analysts query, reading only what the lake's rule makes visible (D31). */
  readonly views: Record<Dataset, CfnTable>;
  /** Every record of the raw zone, when the catalog was given one. */
  readonly rawTable?: CfnTable;
  readonly resultsBucket: Bucket;
  readonly workGroup: CfnWorkGroup;
  readonly databaseName: string;
  readonly workGroupName: string;

  constructor(scope: Construct, id: string, props: AnalyticsCatalogProps) {
    super(scope, id);
    const defaults = DEFAULTS.analytics;
    this.databaseName = props.databaseName ?? defaults.databaseName;
    this.workGroupName = props.workGroupName ?? defaults.workGroupName;
    const resultsExpiration = props.resultsExpiration ?? defaults.resultsExpiration;
    const lakePrefix = props.lakePrefix ?? DEFAULTS.lakeBucket.lakePrefix;
    assertName(
      'databaseName',
      this.databaseName,
      /^[a-z0-9_]{1,255}$/,
      '1 to 255 lower-case letters, digits or underscores',
    );
    assertName(
      'workGroupName',
      this.workGroupName,
      /^[A-Za-z0-9._-]{1,128}$/,
      '1 to 128 letters, digits, ".", "_" or "-"',
    );
    assertDurationInRange('resultsExpiration', resultsExpiration, 'days', 1, 3650);
    assertKeyPrefix('lakePrefix', lakePrefix);

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description:
          'streamlake: the event lake, one view per dataset over its Parquet table, and the raw zone (raw_events)',
      },
    });

    const fileTables: Partial<Record<Dataset, CfnTable>> = {};
    const views: Partial<Record<Dataset, CfnTable>> = {};
    for (const dataset of DATASETS) {
      const id = `${dataset[0]?.toUpperCase()}${dataset.slice(1)}`;
      const files = new CfnTable(this, `${id}FilesTable`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: lakeTableInput(dataset, `s3://${props.lake.bucketName}/${lakePrefix}${dataset}/`),
      });
      files.node.addDependency(this.database);
      // The view keeps the id the dataset's table had, so an existing `<dataset>` table is updated in place.
      const view = new CfnTable(this, `${id}Table`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: lakeViewInput(dataset, this.databaseName),
      });
      view.node.addDependency(files);
      fileTables[dataset] = files;
      views[dataset] = view;
    }
    this.fileTables = fileTables as Record<Dataset, CfnTable>;
    this.views = views as Record<Dataset, CfnTable>;

    if (props.rawZone) {
      assertKeyPrefix('raw zone prefix', props.rawZone.prefix);
      this.rawTable = new CfnTable(this, 'RawEventsTable', {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: rawEventsTableInput(`s3://${props.rawZone.bucket.bucketName}/${props.rawZone.prefix}`),
      });
      this.rawTable.node.addDependency(this.database);
    }

    this.resultsBucket = new Bucket(this, 'ResultsBucket', {
      ...securedBucket,
      versioned: true,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: defaults.resultsAccessLogsPrefix,
      lifecycleRules: [
        {
          id: 'expire-query-results',
          expiration: resultsExpiration,
          noncurrentVersionExpiration: defaults.resultsNoncurrentVersionExpiration,
          abortIncompleteMultipartUploadAfter: defaults.abortIncompleteMultipartUploadAfter,
        },
      ],
    });

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `streamlake: queries over the ${this.databaseName} database`,
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        // The views read the hidden column "$file_modified_time", which engine version 3 has.
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: Aws.ACCOUNT_ID,
        },
      },
    });
  }
}

/** The engine the views need ("$file_modified_time"); pinned so an automatic upgrade decides nothing. */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

/** The view named like the dataset: its `_files` table's rows, from the files a query may read (D31). */
function lakeViewInput(dataset: Dataset, database: string): CfnTable.TableInputProperty {
  const columns = glueColumnsOf(dataset);
  const files = `"${database}"."${fileTableName(dataset)}"`;
  return prestoViewInput({
    name: dataset,
    description: `${dataset} events, each once: per hour the newest complete compaction and the stream files written after it (D31)`,
    database,
    sql: lakeViewSql({ base: files, listing: athenaListingSql(files), columns: columns.map((c) => c.name) }),
    columns: [
      ...columns,
      { name: PATH_COLUMN, type: 'string' },
      ...hourlyPartitionKeys('event').map(({ name, type }) => ({ name, type: String(type) })),
    ],
  });
}

/** `clickstream_files`: the Parquet table under a dataset's view. */
export const fileTableName = (dataset: Dataset) => `${dataset}_files`;

/** One dataset's external table: Parquet columns from its contracts, partitions by projection. */
function lakeTableInput(dataset: Dataset, location: string): CfnTable.TableInputProperty {
  const columns = glueColumnsOf(dataset);
  const clash = columns.find((column) => (PARTITION_KEYS as readonly string[]).includes(column.name));
  if (clash) {
    throw new Error(
      `the ${dataset} columns must not include the partition key ${clash.name} (given ${JSON.stringify(columns.map((c) => c.name))}); rename the event field`,
    );
  }
  return {
    name: fileTableName(dataset),
    description: `${dataset} Parquet objects as the archive and compaction wrote them, superseded ones too: query the view ${dataset}`,
    tableType: 'EXTERNAL_TABLE',
    parameters: { EXTERNAL: 'TRUE', classification: 'parquet', ...hourlyPartitionProjection(location) },
    partitionKeys: hourlyPartitionKeys('event'),
    storageDescriptor: {
      columns,
      location,
      inputFormat: PARQUET.inputFormat,
      outputFormat: PARQUET.outputFormat,
      serdeInfo: {
        serializationLibrary: PARQUET.serializationLibrary,
        parameters: { 'serialization.format': '1' },
      },
      compressed: false,
      storedAsSubDirectories: false,
    },
  };
}

function assertName(name: string, value: string, pattern: RegExp, rule: string): void {
  if (!pattern.test(value)) throw new Error(`${name} must be ${rule} (given "${value}")`);
}
