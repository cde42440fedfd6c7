import { createHash } from 'node:crypto';
import {
  type DynamoDbStreamMappingSettings,
  MAPPING_DEFAULTS,
  type StreamMappingSettings,
} from './esm/settings.ts';
import type { BucketPlan, FunctionPlan, StreamPlan, TablePlan } from './template.ts';

/** The event source mappings of a template the local cloud runs, and those it cannot. */
export interface MappingPlans {
  readonly kinesisMappings: StreamMappingSettings[];
  /** Mappings on a table's stream (`Fn::GetAtt Table.StreamArn`). */
  readonly dynamoDbStreamMappings: DynamoDbStreamMappingSettings[];
  /** Mappings (or parts of them) the local cloud cannot run, named so nobody is surprised. */
  readonly unsupportedMappings: string[];
}

/** The resources a mapping may name, from the plan. */
export interface MappingTargets {
  readonly streams: readonly StreamPlan[];
  readonly tables: readonly TablePlan[];
  readonly buckets: readonly BucketPlan[];
  readonly functions: readonly FunctionPlan[];
}

type Props = Record<string, unknown>;

/** A stable UUID per mapping, derived from its whole logical id (AWS assigns one at creation). */
const mappingUuid = (logicalId: string): string => {
  const h = createHash('sha256').update(logicalId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const numberOr = (props: Props, key: string, fallback: number): number =>
  typeof props[key] === 'number' ? (props[key] as number) : fallback;

/**
 * The stream or table stream a mapping reads. The resolver gives a table's StreamArn as
 * `<table arn>/stream/local`; a real label is accepted too. A table without a StreamSpecification has
 * no stream (CloudFormation would refuse the GetAtt).
 */
const sourceOf = (sourceArn: string, targets: MappingTargets) => {
  const stream = targets.streams.find((s) => s.arn === sourceArn);
  if (stream) return { stream };
  const table = targets.tables.find(
    (t) =>
      sourceArn.startsWith(`${t.arn}/stream/`) &&
      (t.properties.StreamSpecification as { StreamViewType?: unknown } | undefined)?.StreamViewType !==
        undefined,
  );
  return table ? { table } : undefined;
};

/** Which mapping this is, what it invokes and how it batches, whatever its source. */
const identityAndBatching = (id: string, props: Props, fn: FunctionPlan, sourceArn: string) => ({
  id,
  uuid: mappingUuid(id),
  functionName: fn.name,
  functionArn: fn.arn,
  streamArn: sourceArn,
  batchSize: numberOr(props, 'BatchSize', MAPPING_DEFAULTS.batchSize),
  maximumBatchingWindowMs:
    numberOr(props, 'MaximumBatchingWindowInSeconds', MAPPING_DEFAULTS.maximumBatchingWindowSeconds) * 1000,
});

/** How the mapping handles failures, and whether it runs, whatever its source. */
const failureBehaviour = (props: Props, bucket: BucketPlan | undefined) => ({
  reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes(
    'ReportBatchItemFailures',
  ),
  bisectBatchOnFunctionError: props.BisectBatchOnFunctionError === true,
  maximumRetryAttempts: numberOr(props, 'MaximumRetryAttempts', MAPPING_DEFAULTS.maximumRetryAttempts),
  maximumRecordAgeMs: ((age) => (age < 0 ? -1 : age * 1000))(
    numberOr(props, 'MaximumRecordAgeInSeconds', MAPPING_DEFAULTS.maximumRecordAgeSeconds),
  ),
  parallelizationFactor: numberOr(props, 'ParallelizationFactor', MAPPING_DEFAULTS.parallelizationFactor),
  ...(bucket ? { onFailureBucket: bucket.name, onFailureDestinationArn: bucket.arn } : {}),
  enabled: props.Enabled !== false,
  eventCountMetrics: ((props.MetricsConfig as { Metrics?: string[] } | undefined)?.Metrics ?? []).includes(
    'EventCount',
  ),
});

/** What a mapping declares the same way whatever its source. */
interface SharedSettings {
  readonly common: ReturnType<typeof identityAndBatching>;
  readonly behaviour: ReturnType<typeof failureBehaviour>;
}

const dynamoDbStreamSettings = (
  { common, behaviour }: SharedSettings,
  props: Props,
  table: TablePlan,
  unsupported: string[],
): DynamoDbStreamMappingSettings => {
  const filters = (props.FilterCriteria as { Filters?: { Pattern?: unknown }[] } | undefined)?.Filters ?? [];
  const startingPosition = props.StartingPosition === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'LATEST';
  if (props.StartingPosition !== undefined && props.StartingPosition !== startingPosition) {
    unsupported.push(`${common.id} StartingPosition ${String(props.StartingPosition)}`);
  }
  return {
    ...common,
    tableName: table.name,
    startingPosition,
    filterPatterns: filters.map((filter) =>
      typeof filter.Pattern === 'string' ? filter.Pattern : JSON.stringify(filter.Pattern ?? {}),
    ),
    ...behaviour,
  };
};

const kinesisSettings = (
  { common, behaviour }: SharedSettings,
  props: Props,
  stream: StreamPlan,
): StreamMappingSettings => ({
  ...common,
  streamArn: stream.arn,
  streamName: stream.name,
  startingPosition: (props.StartingPosition as StreamMappingSettings['startingPosition']) ?? 'LATEST',
  ...(typeof props.StartingPositionTimestamp === 'number'
    ? { startingPositionTimestamp: props.StartingPositionTimestamp * 1000 }
    : {}),
  ...behaviour,
});

/**
 * Reads the template's event source mappings (logical id and declared properties, which `resolve`
 * resolves) into the settings the local pollers honour, with AWS's defaults for what a mapping leaves out.
 */
export const mappingsFromTemplate = (
  mappings: readonly (readonly [string, Props])[],
  targets: MappingTargets,
  resolve: (value: unknown) => unknown,
): MappingPlans => {
  const plans: MappingPlans = { kinesisMappings: [], dynamoDbStreamMappings: [], unsupportedMappings: [] };
  for (const [id, declared] of mappings) {
    const props = resolve(declared) as Props;
    const sourceArn = String(props.EventSourceArn ?? '');
    const source = sourceOf(sourceArn, targets);
    if (!source) {
      plans.unsupportedMappings.push(`${id} (${sourceArn})`);
      continue;
    }
    const fn = targets.functions.find((f) => f.name === props.FunctionName || f.arn === props.FunctionName);
    if (!fn) {
      throw new Error(
        `mapping ${id} targets ${String(props.FunctionName)}, which the template does not declare`,
      );
    }
    const destination = (props.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)
      ?.OnFailure?.Destination;
    const bucket = targets.buckets.find((b) => b.arn === destination);
    if (destination && !bucket) plans.unsupportedMappings.push(`${id} on-failure destination ${destination}`);
    const shared = {
      common: identityAndBatching(id, props, fn, sourceArn),
      behaviour: failureBehaviour(props, bucket),
    };
    if (source.table) {
      plans.dynamoDbStreamMappings.push(
        dynamoDbStreamSettings(shared, props, source.table, plans.unsupportedMappings),
      );
    } else {
      plans.kinesisMappings.push(kinesisSettings(shared, props, source.stream));
    }
  }
  return plans;
};
