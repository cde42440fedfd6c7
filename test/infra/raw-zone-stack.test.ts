import { Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { EdgeContext } from '../../schemas/envelope.ts';
import {
  asInTemplate,
  dashboardWidgetsOf,
  flatten,
  logicalIdOf,
  opsAlarmOf,
  templateOf,
} from './ops-template.ts';
import { streamlakeApp, streamlakeStackWith } from './stacks.ts';

type StreamlakeStack = ReturnType<typeof streamlakeStackWith>;

const destinationOf = (stack: StreamlakeStack) =>
  templateOf(stack).Resources[logicalIdOf(stack, stack.rawZone.deliveryStream)].Properties
    .ExtendedS3DestinationConfiguration;

const rawRulesOf = (stack: StreamlakeStack) =>
  templateOf(stack).Resources[logicalIdOf(stack, stack.rawZone.bucket)].Properties.LifecycleConfiguration
    .Rules;

describe('the raw zone in the Streamlake stack', () => {
  it('reads the stack stream and writes to its own bucket, logging its access with the lake’s', () => {
    const stack = streamlakeStackWith();

    const { Properties } = templateOf(stack).Resources[logicalIdOf(stack, stack.rawZone.deliveryStream)];
    const bucket = templateOf(stack).Resources[logicalIdOf(stack, stack.rawZone.bucket)].Properties;

    expect(Properties.KinesisStreamSourceConfiguration.KinesisStreamARN).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack, stack.events.stream), 'Arn'],
    });
    expect(logicalIdOf(stack, stack.rawZone.bucket)).not.toBe(logicalIdOf(stack, stack.lake.bucket));
    expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({
      Ref: logicalIdOf(stack, stack.lake.accessLogs),
    });
  });

  it('outputs the delivery stream and the bucket by reference, and the two prefixes', () => {
    const stack = streamlakeStackWith();

    const outputs = templateOf(stack).Outputs;

    expect(outputs.RawZoneDeliveryStreamName.Value).toEqual({
      Ref: logicalIdOf(stack, stack.rawZone.deliveryStream),
    });
    expect(outputs.RawZoneBucketName.Value).toEqual({ Ref: logicalIdOf(stack, stack.rawZone.bucket) });
    expect(outputs.RawZonePrefix.Value).toBe('raw/');
    expect(outputs.RawZoneErrorPrefix.Value).toBe('raw-errors/');
  });

  it('takes buffering, lifecycle and the freshness threshold from context, as given on the command line', () => {
    const stack = streamlakeStackWith({
      'streamlake:rawBufferingIntervalSeconds': '5',
      'streamlake:rawBufferingSizeMiB': '1',
      'streamlake:rawGlacierAfterDays': '7',
      'streamlake:rawExpirationDays': '365',
      'streamlake:rawFreshnessAlarmSeconds': '60',
    });

    expect(destinationOf(stack).BufferingHints).toEqual({ IntervalInSeconds: 5, SizeInMBs: 1 });
    expect(rawRulesOf(stack)).toEqual([
      expect.objectContaining({
        Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 7 }],
        ExpirationInDays: 365,
      }),
    ]);
    expect(stack.ops.thresholds.rawZoneFreshnessSeconds).toBe(60);
    expect(opsAlarmOf(stack, 'RawZoneFreshness').Threshold).toBe(60);
  });

  it('lets its stack props win over context', () => {
    const stack = streamlakeStackWith(
      { 'streamlake:rawBufferingIntervalSeconds': '5', 'streamlake:rawBufferingSizeMiB': '1' },
      { rawZone: { bufferingInterval: Duration.seconds(60), bufferingSize: Size.mebibytes(128) } },
    );

    expect(destinationOf(stack).BufferingHints).toEqual({ IntervalInSeconds: 60, SizeInMBs: 128 });
  });

  it('fails if a context value is out of range, like the prop it sets', () => {
    expect(() => streamlakeStackWith({ 'streamlake:rawBufferingSizeMiB': '256' })).toThrow(
      'raw zone bufferingSize in MiB must be between 1 and 128 inclusive (given 256)',
    );
    expect(() => streamlakeStackWith({ 'streamlake:rawBufferingIntervalSeconds': 'soon' })).toThrow(
      'context streamlake:rawBufferingIntervalSeconds must be a number (given "soon")',
    );
  });

  it('puts the delivery stream on the ops view by the name its metrics carry, with its bucket and prefix', () => {
    const stack = streamlakeStackWith();

    expect(stack.resolve(stack.ops.resources.rawZone)).toEqual({
      deliveryStreamName: 'Streamlake-raw-events',
      bucketName: { Ref: logicalIdOf(stack, stack.rawZone.bucket) },
      prefix: 'raw/',
    });
  });

  it('alarms to the ops topic when the oldest undelivered record is older than 15 minutes, by default', () => {
    const stack = streamlakeStackWith();

    const alarm = opsAlarmOf(stack, 'RawZoneFreshness');

    expect(alarm.Metrics).toEqual([
      expect.objectContaining({
        MetricStat: {
          Metric: {
            Namespace: 'AWS/Firehose',
            MetricName: 'DeliveryToS3.DataFreshness',
            Dimensions: [{ Name: 'DeliveryStreamName', Value: 'Streamlake-raw-events' }],
          },
          Period: 300,
          Stat: 'Maximum',
        },
      }),
    ]);
    expect(alarm).toMatchObject({ Threshold: 900, EvaluationPeriods: 1, DatapointsToAlarm: 1 });
    expect(alarm.AlarmActions).toEqual([{ Ref: logicalIdOf(stack, stack.ops.topic) }]);
    expect(asInTemplate(stack, alarm.AlarmDescription)).toContain(
      `s3://<Ref ${logicalIdOf(stack, stack.rawZone.bucket)}>/raw/`,
    );
  });

  it('shows a Raw zone row on the ops dashboard: delivery success, freshness, records and bytes', () => {
    const stack = streamlakeStackWith();

    const widgets = dashboardWidgetsOf(stack);
    const header = widgets.findIndex((w) => String(w.properties.markdown).startsWith('## Raw zone'));
    const row = widgets.slice(header + 1, header + 5);

    expect(widgets[header]?.properties.markdown).toBe(
      `## Raw zone: Firehose Streamlake-raw-events → s3://<Ref ${logicalIdOf(stack, stack.rawZone.bucket)}>/raw/`,
    );
    expect(row.map((w) => (w.properties.metrics as string[][]).map((m) => m[1]))).toEqual([
      ['DeliveryToS3.Success', 'DeliveryToS3.Success'],
      ['DeliveryToS3.DataFreshness'],
      ['DataReadFromKinesisStream.Records', 'DeliveryToS3.Records'],
      ['DataReadFromKinesisStream.Bytes', 'DeliveryToS3.Bytes'],
    ]);
    for (const widget of row) {
      for (const line of widget.properties.metrics as unknown[][]) {
        expect(line.slice(0, 4)).toEqual([
          'AWS/Firehose',
          line[1],
          'DeliveryStreamName',
          'Streamlake-raw-events',
        ]);
      }
    }
  });

  it('passes the cdk-nag AwsSolutions checks with every finding acknowledged', () => {
    const { app } = streamlakeApp();

    const report = new AwsSolutionsChecks(app).validateScope(app);

    expect(report.violations).toEqual([]);
  });
});

describe('the raw_events table', () => {
  const rawTableOf = (stack: StreamlakeStack) => {
    const tables = Template.fromStack(stack).findResources('AWS::Glue::Table', {
      Properties: { TableInput: { Name: 'raw_events' } },
    });
    const [table, ...others] = Object.values(tables);
    expect(others).toEqual([]);
    return table?.Properties;
  };

  it('lies over raw/ of the raw bucket in the lake’s database, created after it', () => {
    const stack = streamlakeStackWith();
    const location = `s3://<Ref ${logicalIdOf(stack, stack.rawZone.bucket)}>/raw/`;

    const table = rawTableOf(stack);

    expect(table?.DatabaseName).toBe('streamlake');
    expect(flatten(table?.TableInput.StorageDescriptor.Location)).toBe(location);
    expect(
      Template.fromStack(stack).findResources('AWS::Glue::Table', {
        DependsOn: [stack.getLogicalId(stack.analytics.database)],
        Properties: { TableInput: { Name: 'raw_events' } },
      }),
    ).not.toEqual({});
  });

  it('reads gzipped JSON lines with the OpenX SerDe, bad lines as NULLs rather than failed queries', () => {
    const stack = streamlakeStackWith();

    const { StorageDescriptor, Parameters } = rawTableOf(stack)?.TableInput ?? {};

    expect(StorageDescriptor).toMatchObject({
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      Compressed: true,
      SerdeInfo: {
        SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
        Parameters: {
          'ignore.malformed.json': 'TRUE',
          'use.null.for.invalid.data': 'TRUE',
          'mapping.event_id': 'eventid',
          'mapping.event_time': 'eventtime',
        },
      },
    });
    expect(Parameters.classification).toBe('json');
  });

  it('has the envelope as the lake names it and the edge context as one struct of its fields', () => {
    const stack = streamlakeStackWith();

    const columns = rawTableOf(stack)?.TableInput.StorageDescriptor.Columns as {
      Name: string;
      Type: string;
    }[];

    expect(columns.map(({ Name, Type }) => `${Name} ${Type}`)).toEqual([
      'schema string',
      'version int',
      'event_id string',
      'event_time string',
      `edge struct<${Object.keys(EdgeContext.properties)
        .map((field) => `${field}:string`)
        .join(',')}>`,
    ]);
    expect(columns.at(-1)?.Type).toContain('receivedAt:string');
  });

  it('finds its partitions by projection on arrival dt and hour, like the lake tables', () => {
    const stack = streamlakeStackWith();

    const { Parameters, PartitionKeys } = rawTableOf(stack)?.TableInput ?? {};

    expect(PartitionKeys).toEqual([
      { Name: 'dt', Type: 'string', Comment: 'arrival day, yyyy-MM-dd (UTC)' },
      { Name: 'hour', Type: 'int', Comment: 'arrival hour, 0 to 23 (UTC)' },
    ]);
    expect(Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
    });
    expect(flatten(Parameters['storage.location.template'])).toBe(
      `s3://<Ref ${logicalIdOf(stack, stack.rawZone.bucket)}>/raw/dt=\${dt}/hour=\${hour}/`,
    );
  });
});
