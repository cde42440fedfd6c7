import { Aws, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { glueColumnsOf } from '../../schemas/columns.ts';
import { DATASETS, type Dataset } from '../../schemas/envelope.ts';
import { DEFAULTS } from '../defaults.ts';
import { securedBucket } from './lake-bucket.ts';
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
   * What happens to the results bucket on `cdk destroy`; the catalog itself is metadata and is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Partition columns, in key order: `dt=YYYY-MM-DD/hour=HH/`. */
export const PARTITION_KEYS = ['dt', 'hour'] as const;

const PARQUET = {
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
} as const;

/**
 * The lake as analysts see it: a Glue database with one external Parquet table per dataset over
 * `lake/<dataset>/`, and an Athena workgroup whose settings (results bucket, SSE-S3 results) clients
 * cannot override.
 *
 * Partitions are found by partition projection, computed from the query's `dt` and `hour` predicates, so no
 * crawler or `MSCK REPAIR TABLE` is needed and a new hour is queryable as soon as its first file lands.
 * `dt` is a string (`'2026-11-22'`, as in the key); `hour` is an int (0 to 23, written with two digits in
 * the key) so ranges read naturally (`hour BETWEEN 9 AND 17`), as DuckDB's hive partitioning also types it.
 */
export class AnalyticsCatalog extends Construct {
  readonly database: CfnDatabase;
  readonly tables: Record<Dataset, CfnTable>;
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
        description: 'streamlake: the event lake, one Parquet table per dataset',
      },
    });

    const tables: Partial<Record<Dataset, CfnTable>> = {};
    for (const dataset of DATASETS) {
      const table = new CfnTable(this, `${dataset[0]?.toUpperCase()}${dataset.slice(1)}Table`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: lakeTableInput(dataset, `s3://${props.lake.bucketName}/${lakePrefix}${dataset}/`),
      });
      table.node.addDependency(this.database);
      tables[dataset] = table;
    }
    this.tables = tables as Record<Dataset, CfnTable>;

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
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: Aws.ACCOUNT_ID,
        },
      },
    });
  }
}

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
    name: dataset,
    description: `${dataset} events as archived by the archive stage, partitioned by event time (UTC)`,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
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
    },
    partitionKeys: [
      { name: 'dt', type: 'string', comment: 'event day, yyyy-MM-dd (UTC)' },
      { name: 'hour', type: 'int', comment: 'event hour, 0 to 23 (UTC)' },
    ],
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
