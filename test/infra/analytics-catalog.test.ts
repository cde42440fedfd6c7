import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { AnalyticsCatalog } from '../../infra/constructs/analytics-catalog.ts';
import { glueColumnsOf } from '../../schemas/columns.ts';
import { DATASETS } from '../../schemas/envelope.ts';
import { analyticsCatalogStack, emptyStack } from './stacks.ts';

/** The logical id of a bucket, by its path below the stack: `Lake`, `Analytics/ResultsBucket`. */
const bucketIdOf = (stack: Stack, path: string) => {
  const bucket = path.split('/').reduce<IConstruct>((scope, id) => scope.node.findChild(id), stack);
  return stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
};

function tableInputOf(stack: Stack, dataset: string) {
  const tables = Template.fromStack(stack).findResources('AWS::Glue::Table', {
    Properties: { TableInput: { Name: dataset } },
  });
  const [table, ...others] = Object.values(tables);
  expect(others).toEqual([]);
  return table?.Properties.TableInput;
}

describe('AnalyticsCatalog Glue database', () => {
  it('is named streamlake in the account catalog by default', () => {
    const { stack } = analyticsCatalogStack();

    Template.fromStack(stack).hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: Match.objectLike({ Name: 'streamlake' }),
    });
  });

  it('holds one table per dataset, created after the database, named as the dataset', () => {
    const { stack } = analyticsCatalogStack({ databaseName: 'lake_test' });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Glue::Table', DATASETS.length);
    for (const dataset of DATASETS) {
      template.hasResource('AWS::Glue::Table', {
        Properties: Match.objectLike({
          DatabaseName: 'lake_test',
          TableInput: Match.objectLike({ Name: dataset, TableType: 'EXTERNAL_TABLE' }),
        }),
        DependsOn: [Match.stringLikeRegexp('^AnalyticsDatabase')],
      });
    }
  });
});

describe.each(DATASETS)('AnalyticsCatalog %s table', (dataset) => {
  it('has the columns of the dataset contracts, from schemas/', () => {
    const { stack } = analyticsCatalogStack();

    const columns = tableInputOf(stack, dataset).StorageDescriptor.Columns;

    expect(columns).toEqual(glueColumnsOf(dataset).map(({ name, type }) => ({ Name: name, Type: type })));
  });

  it('has the edge context columns after the event columns, as the archive writes them', () => {
    const { stack } = analyticsCatalogStack();

    const columns: { Name: string; Type: string }[] = tableInputOf(stack, dataset).StorageDescriptor.Columns;

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

    const partitionKeys = tableInputOf(stack, dataset).PartitionKeys;

    expect(partitionKeys.map((k: { Name: string; Type: string }) => [k.Name, k.Type])).toEqual([
      ['dt', 'string'],
      ['hour', 'int'],
    ]);
  });

  it('reads Parquet under lake/<dataset>/ in the lake bucket', () => {
    const { stack } = analyticsCatalogStack();

    const { StorageDescriptor, Parameters } = tableInputOf(stack, dataset);

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

    const parameters = tableInputOf(stack, dataset).Parameters;

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

    const template = tableInputOf(stack, dataset).Parameters['storage.location.template'];

    expect(template).toEqual({
      'Fn::Join': [
        '',
        ['s3://', { Ref: bucketIdOf(stack, 'Lake') }, `/lake/${dataset}/dt=\${dt}/hour=\${hour}/`],
      ],
    });
  });

  it('follows the lake prefix it is given', () => {
    const { stack } = analyticsCatalogStack({ lakePrefix: 'parquet/' });

    const { StorageDescriptor, Parameters } = tableInputOf(stack, dataset);

    expect(JSON.stringify(StorageDescriptor.Location)).toContain(`/parquet/${dataset}/`);
    expect(JSON.stringify(Parameters['storage.location.template'])).toContain(`/parquet/${dataset}/dt=`);
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
