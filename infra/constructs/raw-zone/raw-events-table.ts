import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { EDGE_FIELD, EdgeContext } from '../../../schemas/envelope.ts';
import { DEFAULTS } from '../../defaults.ts';
import { hourlyPartitionKeys, hourlyPartitionProjection } from '../partition-projection.ts';

/**
 * The OpenX JSON SerDe, because the raw zone holds every record the stream accepted, bad ones too: a line that
 * is not JSON reads as a row of NULLs (`ignore.malformed.json`), a field of the wrong type as NULL
 * (`use.null.for.invalid.data`), where the Hive JSON SerDe would fail the whole query. JSON keys are matched
 * lower-cased (its default), so the mappings name them so.
 */
const OPENX_JSON = {
  serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
  parameters: {
    'ignore.malformed.json': 'TRUE',
    'use.null.for.invalid.data': 'TRUE',
    'mapping.event_id': 'eventid',
    'mapping.event_time': 'eventtime',
  },
} as const;

/** Gzipped text: TextInputFormat reads `.gz` objects by their extension. */
const TEXT = {
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
} as const;

/**
 * What every event carries, whatever its dataset: the envelope (named as the lake names it) and the edge
 * context as one struct. Times stay text, as they arrived (`from_iso8601_timestamp(event_time)` reads them);
 * the payload fields differ per contract and are the lake tables' to type.
 */
export const RAW_EVENT_COLUMNS: CfnTable.ColumnProperty[] = [
  { name: 'schema', type: 'string', comment: 'the contract: <dataset>.<event type>' },
  { name: 'version', type: 'int', comment: 'the contract version' },
  { name: 'event_id', type: 'string' },
  { name: 'event_time', type: 'string', comment: 'as sent: RFC 3339 UTC' },
  {
    name: EDGE_FIELD,
    type: `struct<${Object.keys(EdgeContext.properties)
      .map((field) => `${field}:string`)
      .join(',')}>`,
    comment: 'what the edge (web collector, device rule) added; NULL for direct producers',
  },
];

/**
 * The raw zone as one external table over `<location>` (`s3://<raw bucket>/raw/`): one row per record,
 * partitioned by arrival hour (Firehose's clock, not the event's) by projection, like the lake's tables.
 */
export function rawEventsTableInput(location: string): CfnTable.TableInputProperty {
  return {
    name: DEFAULTS.analytics.rawTableName,
    description:
      'Every record the event stream accepted, byte for byte as Firehose delivered it (one JSON event a line, GZIP), ' +
      'partitioned by arrival time (UTC); bad records included: a line that is not JSON is a row of NULLs ("$path" names its object)',
    tableType: 'EXTERNAL_TABLE',
    parameters: { EXTERNAL: 'TRUE', classification: 'json', ...hourlyPartitionProjection(location) },
    partitionKeys: hourlyPartitionKeys('arrival'),
    storageDescriptor: {
      columns: RAW_EVENT_COLUMNS,
      location,
      inputFormat: TEXT.inputFormat,
      outputFormat: TEXT.outputFormat,
      serdeInfo: { serializationLibrary: OPENX_JSON.serializationLibrary, parameters: OPENX_JSON.parameters },
      compressed: true,
      storedAsSubDirectories: false,
    },
  };
}
