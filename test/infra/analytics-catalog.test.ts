import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { rollupRecountSql } from '../../commands/verify/rollup-sql.ts';
import { athenaListingSql, lakeViewSql } from '../../infra/constructs/analytics-catalog/visible-files-sql.ts';
import { AnalyticsCatalog } from '../../infra/constructs/analytics-catalog.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { glueColumnsOf } from '../../schemas/columns.ts';
import { DATASETS } from '../../schemas/envelope.ts';
import { analyticsCatalogStack, emptyStack } from './stacks.ts';

/** The logical id of a bucket, by its path below the stack: `Lake`, `Analytics/ResultsBucket`. */
const bucketIdOf = (stack: Stack, path: string) => {
  const bucket = path.split('/').reduce<IConstruct>((scope, id) => scope.node.findChild(id), stack);
  return stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
};

function tableOf(stack: Stack, name: string) {
  const tables = Template.fromStack(stack).findResources('AWS::Glue::Table', {
    Properties: { TableInput: { Name: name } },
  });
  const [entry, ...others] = Object.entries(tables);
  expect(others).toEqual([]);
  return { logicalId: entry?.[0] ?? '', resource: entry?.[1] };
}

/** The table input of a Glue table or view, by name. */
const tableInputOf = (stack: Stack, name: string) => tableOf(stack, name).resource?.Properties.TableInput;

/** The Trino view Athena stores in ViewOriginalText, decoded. */
const prestoViewOf = (stack: Stack, dataset: string) => {
  const text: string = tableInputOf(stack, dataset).ViewOriginalText;
  const [, encoded] = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text) ?? [];
  return JSON.parse(Buffer.from(String(encoded), 'base64').toString('utf8'));
};

describe('AnalyticsCatalog Glue database', () => {
  it('is named streamlake in the account catalog by default', () => {
    const { stack } = analyticsCatalogStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: Match.objectLike({ Name: 'streamlake' }),
    });
  });

  it('holds per dataset a <dataset>_files table, created after the database, and a view named as the dataset on it', () => {
    const { stack } = analyticsCatalogStack({ databaseName: 'lake_test' });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Glue::Table', 2 * DATASETS.length);
    for (const dataset of DATASETS) {
      template.hasResource('AWS::Glue::Table', {
        Properties: Match.objectLike({
          DatabaseName: 'lake_test',
          TableInput: Match.objectLike({ Name: `${dataset}_files`, TableType: 'EXTERNAL_TABLE' }),
        }),
        DependsOn: [Match.stringLikeRegexp('^AnalyticsDatabase')],
      });
      template.hasResource('AWS::Glue::Table', {
        Properties: Match.objectLike({
          DatabaseName: 'lake_test',
          TableInput: Match.objectLike({ Name: dataset, TableType: 'VIRTUAL_VIEW' }),
        }),
        DependsOn: [tableOf(stack, `${dataset}_files`).logicalId],
      });
    }
  });
});

describe.each(DATASETS)('AnalyticsCatalog %s_files table', (dataset) => {
  it('has the columns of the dataset contracts, from schemas/', () => {
    const { stack } = analyticsCatalogStack();

    const columns = tableInputOf(stack, `${dataset}_files`).StorageDescriptor.Columns;

    expect(columns).toEqual(glueColumnsOf(dataset).map(({ name, type }) => ({ Name: name, Type: type })));
  });

  it('has the edge context columns after the event columns, as the archive writes them', () => {
    const { stack } = analyticsCatalogStack();

    const columns: { Name: string; Type: string }[] = tableInputOf(stack, `${dataset}_files`)
      .StorageDescriptor.Columns;

    expect(columns.slice(-7)).toEqual([
      { Name: 'edge_received_at', Type: 'timestamp' },
      { Name: 'edge_request_id', Type: 'string' },
      { Name: 'edge_source_ip', Type: 'string' },
      { Name: 'edge_user_agent', Type: 'string' },
      { Name: 'edge_origin', Type: 'string' },
      { Name: 'edge_client_id', Type: 'string' },
      { Name: 'edge_topic', Type: 'string' },
    ]);
    expect(columns.slice(0, 4).map((c) => c.Name)).toEqual(['schema', 'version', 'event_id', 'event_time']);
  });

  it('is partitioned by dt (string) and hour (int)', () => {
    const { stack } = analyticsCatalogStack();

    const partitionKeys = tableInputOf(stack, `${dataset}_files`).PartitionKeys;

    expect(partitionKeys.map((k: { Name: string; Type: string }) => [k.Name, k.Type])).toEqual([
      ['dt', 'string'],
      ['hour', 'int'],
    ]);
  });

  it('reads Parquet under lake/<dataset>/ in the lake bucket', () => {
    const { stack } = analyticsCatalogStack();

    const { StorageDescriptor, Parameters } = tableInputOf(stack, `${dataset}_files`);

    expect(StorageDescriptor).toMatchObject({
      Location: { 'Fn::Join': ['', ['s3://', { Ref: bucketIdOf(stack, 'Lake') }, `/lake/${dataset}/`]] },
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    });
    expect(Parameters).toMatchObject({ EXTERNAL: 'TRUE', classification: 'parquet' });
  });

  it('finds partitions by projection from 2024-01-01 until now, hour 00 to 23, with no crawler', () => {
    const { stack } = analyticsCatalogStack();

    const parameters = tableInputOf(stack, `${dataset}_files`).Parameters;

    expect(parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2024-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
    });
    Template.fromStack(stack).resourceCountIs('AWS::Glue::Crawler', 0);
  });

  it('maps each projected partition to the key layout the archiver writes', () => {
    const { stack } = analyticsCatalogStack();

    const template = tableInputOf(stack, `${dataset}_files`).Parameters['storage.location.template'];

    expect(template).toEqual({
      'Fn::Join': [
        '',
        ['s3://', { Ref: bucketIdOf(stack, 'Lake') }, `/lake/${dataset}/dt=\${dt}/hour=\${hour}/`],
      ],
    });
  });

  it('follows the lake prefix it is given', () => {
    const { stack } = analyticsCatalogStack({ lakePrefix: 'parquet/' });

    const { StorageDescriptor, Parameters } = tableInputOf(stack, `${dataset}_files`);

    expect(JSON.stringify(StorageDescriptor.Location)).toContain(`/parquet/${dataset}/`);
    expect(JSON.stringify(Parameters['storage.location.template'])).toContain(`/parquet/${dataset}/dt=`);
  });
});

describe.each(DATASETS)('AnalyticsCatalog %s view', (dataset) => {
  const dataColumns = glueColumnsOf(dataset).map((c) => c.name);

  it('is an Athena view over the %s_files table of its database that applies the lake rule to it', () => {
    const { stack } = analyticsCatalogStack({ databaseName: 'lake_test' });
    const files = `"lake_test"."${dataset}_files"`;

    const view = prestoViewOf(stack, dataset);

    expect(view).toMatchObject({ catalog: 'awsdatacatalog', schema: 'lake_test' });
    expect(view.originalSql).toBe(
      lakeViewSql({ base: files, listing: athenaListingSql(files), columns: dataColumns }),
    );
    expect(tableInputOf(stack, dataset)).toMatchObject({
      Parameters: { presto_view: 'true' },
      PartitionKeys: [],
      ViewExpandedText: '/* Presto View */',
    });
  });

  it('has the data columns, then "$path", dt and hour, with Trino types in the view and Glue types in the catalog', () => {
    const { stack } = analyticsCatalogStack();

    const stored: { Name: string; Type: string }[] = tableInputOf(stack, dataset).StorageDescriptor.Columns;
    const declared: { name: string; type: string }[] = prestoViewOf(stack, dataset).columns;

    expect(stored.map((c) => c.Name)).toEqual([...dataColumns, '$path', 'dt', 'hour']);
    expect(declared.map((c) => c.name)).toEqual([...dataColumns, '$path', 'dt', 'hour']);
    expect(declared.slice(0, 4)).toEqual([
      { name: 'schema', type: 'varchar' },
      { name: 'version', type: 'integer' },
      { name: 'event_id', type: 'varchar' },
      { name: 'event_time', type: 'timestamp(3)' },
    ]);
    expect(declared.slice(-3)).toEqual([
      { name: '$path', type: 'varchar' },
      { name: 'dt', type: 'varchar' },
      { name: 'hour', type: 'integer' },
    ]);
  });

  it('keeps the logical id the dataset table had, so a deployed <dataset> table is updated in place', () => {
    const { stack } = analyticsCatalogStack();

    expect(tableOf(stack, dataset).logicalId).toMatch(
      new RegExp(`^Analytics${dataset[0]?.toUpperCase()}${dataset.slice(1)}Table[0-9A-F]{8}$`),
    );
  });
});

describe('AnalyticsCatalog views and the Athena recount', () => {
  it('backfill on Athena recounts every rollup from the views, never from a _files table', () => {
    const { stack } = analyticsCatalogStack();
    const views = new Set(DATASETS.filter((d) => tableInputOf(stack, d).TableType === 'VIRTUAL_VIEW'));

    const read = ROLLUPS.flatMap((rollup) =>
      [...rollupRecountSql(rollup, { dialect: 'athena' }).matchAll(/FROM "([a-z_]+)"/g)].map((m) => m[1]),
    );

    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((table) => !views.has(table as (typeof DATASETS)[number]))).toEqual([]);
  });
});

describe('AnalyticsCatalog raw_events table', () => {
  const catalogWithRawZone = (prefix: string) => {
    const stack = emptyStack();
    const raw = new Bucket(stack, 'Raw');
    new AnalyticsCatalog(stack, 'Analytics', {
      lake: new Bucket(stack, 'Lake'),
      accessLogs: new Bucket(stack, 'AccessLogs'),
      rawZone: { bucket: raw, prefix },
    });
    return { stack, raw };
  };

  it('lies over the raw zone prefix of the raw bucket it is given', () => {
    const { stack, raw } = catalogWithRawZone('raw/');

    expect(tableInputOf(stack, 'raw_events').StorageDescriptor.Location).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(raw.node.defaultChild as CfnBucket) }, '/raw/']],
    });
  });

  it('is not there when the catalog is given no raw zone', () => {
    const { stack } = analyticsCatalogStack();

    expect(
      Template.fromStack(stack).findResources('AWS::Glue::Table', {
        Properties: { TableInput: { Name: 'raw_events' } },
      }),
    ).toEqual({});
  });

  it('fails if the raw zone prefix does not end with "/", naming it', () => {
    expect(() => catalogWithRawZone('raw')).toThrow('raw zone prefix must end with "/" (given "raw")');
  });
});

describe('AnalyticsCatalog Athena workgroup', () => {
  it('is named streamlake and enforces its own settings on every query', () => {
    const { stack } = analyticsCatalogStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'streamlake',
      State: 'ENABLED',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
      }),
    });
  });

  it('writes SSE-S3 encrypted results to the results bucket, owned by this account', () => {
    const { stack } = analyticsCatalogStack();
    const resultsId = bucketIdOf(stack, 'Analytics/ResultsBucket');

    Template.fromStack(stack).hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: resultsId }, '/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
        },
      }),
    });
  });

  it('runs engine version 3, whose "$file_modified_time" the views read', () => {
    const { stack } = analyticsCatalogStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
      }),
    });
  });

  it('takes the names it is given', () => {
    const { stack } = analyticsCatalogStack({ databaseName: 'lake_dev', workGroupName: 'streamlake-dev' });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Athena::WorkGroup', { Name: 'streamlake-dev' });
    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: Match.objectLike({ Name: 'lake_dev' }),
    });
  });
});

describe('AnalyticsCatalog results bucket', () => {
  function resultsBucket(settings: Parameters<typeof analyticsCatalogStack>[0] = {}) {
    const { stack } = analyticsCatalogStack(settings);
    const resultsId = bucketIdOf(stack, 'Analytics/ResultsBucket');
    const template = Template.fromStack(stack);
    return { stack, template, resultsId, resource: template.toJSON().Resources[resultsId] };
  }

  it('is S3-encrypted, versioned and closed to the public', () => {
    const { resource } = resultsBucket();

    expect(resource.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('refuses requests without TLS', () => {
    const { template, resultsId } = resultsBucket();

    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: resultsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('logs server access to the access-logs bucket it is given', () => {
    const { stack, resource } = resultsBucket();

    expect(resource.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: bucketIdOf(stack, 'AccessLogs') },
      LogFilePrefix: 'query-results/',
    });
  });

  it('expires results after 30 days by default, and the versions they leave after a day', () => {
    const { resource } = resultsBucket();

    expect(resource.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({
        ExpirationInDays: 30,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        Status: 'Enabled',
      }),
    ]);
  });

  it('expires results after the days it is given', () => {
    const { resource } = resultsBucket({ resultsExpiration: Duration.days(7) });

    expect(resource.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(7);
  });

  it('is retained on stack deletion by default and deleted when asked', () => {
    expect(resultsBucket().resource.DeletionPolicy).toBe('Retain');
    expect(resultsBucket({ removalPolicy: RemovalPolicy.DESTROY }).resource.DeletionPolicy).toBe('Delete');
  });
});

describe('AnalyticsCatalog validation', () => {
  it.each([
    [
      { databaseName: 'Streamlake' },
      'databaseName must be 1 to 255 lower-case letters, digits or underscores (given "Streamlake")',
    ],
    [
      { databaseName: 'stream-lake' },
      'databaseName must be 1 to 255 lower-case letters, digits or underscores (given "stream-lake")',
    ],
    [{ workGroupName: '' }, 'workGroupName must be 1 to 128 letters, digits, ".", "_" or "-" (given "")'],
    [
      { resultsExpiration: Duration.days(0) },
      'resultsExpiration must be between 1 and 3650 days inclusive (given 0 days)',
    ],
    [{ lakePrefix: 'lake' }, 'lakePrefix must end with "/" (given "lake")'],
  ])('fails if given %o', (settings, message) => {
    expect(() => analyticsCatalogStack(settings)).toThrow(message);
  });
});
