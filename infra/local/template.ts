import { createHash } from 'node:crypto';
import {
  type DynamoDbStreamMappingSettings,
  MAPPING_DEFAULTS,
  type StreamMappingSettings,
} from './esm/settings.ts';

/** A CloudFormation template as synthesized: only the parts the local cloud reads. */
export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
  /** The stack's outputs: how the local cloud finds the resource that plays each role (stack-resources.ts). */
  Outputs?: Record<string, { Value?: unknown }>;
}

export interface LocalAccount {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
}

interface Named {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
}
export interface StreamPlan extends Named {
  readonly shardCount?: number;
}
export interface TablePlan extends Named {
  readonly properties: Record<string, unknown>;
}
/** A bucket's request-metrics filter (`MetricsConfigurations`): CloudWatch reports AWS/S3 `{BucketName, FilterId}`. */
export interface BucketMetricsFilter {
  readonly id: string;
  /** Only objects under this key prefix; the whole bucket when unset. */
  readonly prefix?: string;
  /** Only objects with all these tags. */
  readonly tagFilters?: { readonly key: string; readonly value: string }[];
  readonly accessPointArn?: string;
}
export interface BucketPlan extends Named {
  readonly metricsFilters: BucketMetricsFilter[];
}
export type TopicPlan = Named;
export interface FunctionPlan extends Named {
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly roleArn: string;
  readonly environment: Record<string, string>;
  /** Folder of the bundled code inside the cloud assembly (`aws:asset:path`). */
  readonly assetPath?: string;
  /** Source entry relative to the repository (`streamlake:entry`). */
  readonly entry?: string;
}

/** Everything the template declares that the local cloud creates, with physical names resolved. */
export interface CloudPlan {
  readonly streams: StreamPlan[];
  readonly tables: TablePlan[];
  readonly buckets: BucketPlan[];
  /** SNS topics; email subscriptions stay on AWS (the local server records them, sends nothing). */
  readonly topics: TopicPlan[];
  readonly functions: FunctionPlan[];
  readonly kinesisMappings: StreamMappingSettings[];
  /** Mappings on a table's stream (`Fn::GetAtt Table.StreamArn`). */
  readonly dynamoDbStreamMappings: DynamoDbStreamMappingSettings[];
  /** Mappings the local cloud cannot run (e.g. SQS), named so nobody is surprised. */
  readonly unsupportedMappings: string[];
}

/** A stable UUID per mapping, derived from its whole logical id (AWS assigns one at creation). */
const mappingUuid = (logicalId: string): string => {
  const h = createHash('sha256').update(logicalId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Local physical names: `<stack>-<logical id>`, lower-cased where the service demands it. */
const physicalName = (account: LocalAccount, logicalId: string, type: string): string => {
  const name = `${account.stackName}-${logicalId}`;
  return type === 'AWS::S3::Bucket'
    ? name
        .toLowerCase()
        .replace(/[^a-z0-9.-]/g, '-')
        .slice(0, 63)
    : name.slice(0, 128);
};

const arnOf = (account: LocalAccount, type: string, name: string): string => {
  const { region, accountId } = account;
  switch (type) {
    case 'AWS::Kinesis::Stream':
      return `arn:aws:kinesis:${region}:${accountId}:stream/${name}`;
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${accountId}:role/${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${accountId}:${name}`;
    case 'AWS::KMS::Key':
      return `arn:aws:kms:${region}:${accountId}:key/${name}`;
    case 'AWS::Events::Rule':
      return `arn:aws:events:${region}:${accountId}:rule/${name}`;
    default:
      return `arn:aws:cloudformation:${region}:${accountId}:${type}/${name}`;
  }
};

/** A bucket's `MetricsConfigurations`, as declared. */
const metricsFiltersOf = (declared: unknown): BucketMetricsFilter[] =>
  (Array.isArray(declared) ? (declared as Record<string, unknown>[]) : []).map((configuration) => {
    const tags = configuration.TagFilters as { Key?: unknown; Value?: unknown }[] | undefined;
    return {
      id: String(configuration.Id),
      ...(typeof configuration.Prefix === 'string' ? { prefix: configuration.Prefix } : {}),
      ...(Array.isArray(tags) && tags.length > 0
        ? { tagFilters: tags.map((tag) => ({ key: String(tag.Key), value: String(tag.Value) })) }
        : {}),
      ...(typeof configuration.AccessPointArn === 'string'
        ? { accessPointArn: configuration.AccessPointArn }
        : {}),
    };
  });

/** Reads a synthesized template into the plan the local cloud provisions. */
export const planFromTemplate = (template: Template, account: LocalAccount): CloudPlan => {
  const resources = template.Resources;
  const nameOf = (logicalId: string): string => {
    const resource = resources[logicalId];
    if (!resource) throw new Error(`template refers to ${logicalId}, which it does not declare`);
    const props = resource.Properties ?? {};
    const explicit =
      props.StreamName ??
      props.TableName ??
      props.BucketName ??
      props.FunctionName ??
      props.RoleName ??
      props.TopicName;
    return typeof explicit === 'string' ? explicit : physicalName(account, logicalId, resource.Type);
  };
  const resolve = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map(resolve);
    const object = value as Record<string, unknown>;
    if ('Ref' in object) {
      const ref = String(object.Ref);
      if (ref === 'AWS::Region') return account.region;
      if (ref === 'AWS::AccountId') return account.accountId;
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
      if (ref === 'AWS::StackName') return account.stackName;
      // Ref returns a name for most types, but an ARN for SNS topics.
      if (resources[ref]?.Type === 'AWS::SNS::Topic') return arnOf(account, 'AWS::SNS::Topic', nameOf(ref));
      return nameOf(ref);
    }
    if ('Fn::GetAtt' in object) {
      const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
      const type = resources[logicalId]?.Type ?? '';
      const name = nameOf(logicalId);
      if (attribute === 'Arn') return arnOf(account, type, name);
      if (attribute === 'StreamArn') return `${arnOf(account, type, name)}/stream/local`;
      if (attribute === 'TopicArn') return arnOf(account, type, name);
      if (attribute === 'TopicName') return name;
      throw new Error(`Fn::GetAtt ${logicalId}.${attribute} is not supported by the local cloud`);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return (resolve(parts) as unknown[]).join(separator);
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(inner)]));
  };
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const named = (logicalId: string, type: string) => {
    const name = nameOf(logicalId);
    return { logicalId, name, arn: arnOf(account, type, name) };
  };

  const streams = ofType('AWS::Kinesis::Stream').map(([id, r]) => ({
    ...named(id, 'AWS::Kinesis::Stream'),
    ...(typeof r.Properties?.ShardCount === 'number' ? { shardCount: r.Properties.ShardCount } : {}),
  }));
  const tables = ofType('AWS::DynamoDB::Table').map(([id, r]) => ({
    ...named(id, 'AWS::DynamoDB::Table'),
    properties: resolve(r.Properties ?? {}) as Record<string, unknown>,
  }));
  const buckets = ofType('AWS::S3::Bucket').map(
    ([id, r]): BucketPlan => ({
      ...named(id, 'AWS::S3::Bucket'),
      metricsFilters: metricsFiltersOf(resolve(r.Properties?.MetricsConfigurations)),
    }),
  );
  const topics = ofType('AWS::SNS::Topic').map(([id]) => named(id, 'AWS::SNS::Topic'));
  const functions = ofType('AWS::Lambda::Function').map(([id, r]): FunctionPlan => {
    const props = r.Properties ?? {};
    const variables =
      (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const assetPath = r.Metadata?.['aws:asset:path'];
    const entry = r.Metadata?.['streamlake:entry'];
    return {
      ...named(id, 'AWS::Lambda::Function'),
      handler: String(props.Handler ?? 'index.handler'),
      runtime: String(props.Runtime ?? ''),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      roleArn: String(resolve(props.Role) ?? ''),
      environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(resolve(v))])),
      ...(typeof assetPath === 'string' ? { assetPath } : {}),
      ...(typeof entry === 'string' ? { entry } : {}),
    };
  });

  const kinesisMappings: StreamMappingSettings[] = [];
  const dynamoDbStreamMappings: DynamoDbStreamMappingSettings[] = [];
  const unsupportedMappings: string[] = [];
  for (const [id, resource] of ofType('AWS::Lambda::EventSourceMapping')) {
    const props = resolve(resource.Properties ?? {}) as Record<string, unknown>;
    const sourceArn = String(props.EventSourceArn ?? '');
    const stream = streams.find((s) => s.arn === sourceArn);
    // The resolver gives a table's StreamArn as `<table arn>/stream/local`; a real label is accepted too.
    // A table without a StreamSpecification has no stream (CloudFormation would refuse the GetAtt).
    const table = stream
      ? undefined
      : tables.find(
          (t) =>
            sourceArn.startsWith(`${t.arn}/stream/`) &&
            (t.properties.StreamSpecification as { StreamViewType?: unknown } | undefined)?.StreamViewType !==
              undefined,
        );
    if (!stream && !table) {
      unsupportedMappings.push(`${id} (${sourceArn})`);
      continue;
    }
    const fn = functions.find((f) => f.name === props.FunctionName || f.arn === props.FunctionName);
    if (!fn)
      throw new Error(
        `mapping ${id} targets ${String(props.FunctionName)}, which the template does not declare`,
      );
    const destination = (props.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)
      ?.OnFailure?.Destination;
    const bucket = buckets.find((b) => b.arn === destination);
    if (destination && !bucket) unsupportedMappings.push(`${id} on-failure destination ${destination}`);
    const number = (key: string, fallback: number) =>
      typeof props[key] === 'number' ? (props[key] as number) : fallback;
    const common = {
      id,
      uuid: mappingUuid(id),
      functionName: fn.name,
      functionArn: fn.arn,
      streamArn: sourceArn,
      batchSize: number('BatchSize', MAPPING_DEFAULTS.batchSize),
      maximumBatchingWindowMs:
        number('MaximumBatchingWindowInSeconds', MAPPING_DEFAULTS.maximumBatchingWindowSeconds) * 1000,
    };
    const behaviour = {
      reportBatchItemFailures: ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes(
        'ReportBatchItemFailures',
      ),
      bisectBatchOnFunctionError: props.BisectBatchOnFunctionError === true,
      maximumRetryAttempts: number('MaximumRetryAttempts', MAPPING_DEFAULTS.maximumRetryAttempts),
      maximumRecordAgeMs: ((age) => (age < 0 ? -1 : age * 1000))(
        number('MaximumRecordAgeInSeconds', MAPPING_DEFAULTS.maximumRecordAgeSeconds),
      ),
      parallelizationFactor: number('ParallelizationFactor', MAPPING_DEFAULTS.parallelizationFactor),
      ...(bucket ? { onFailureBucket: bucket.name, onFailureDestinationArn: bucket.arn } : {}),
      enabled: props.Enabled !== false,
      eventCountMetrics: (
        (props.MetricsConfig as { Metrics?: string[] } | undefined)?.Metrics ?? []
      ).includes('EventCount'),
    };
    if (table) {
      const filters =
        (props.FilterCriteria as { Filters?: { Pattern?: unknown }[] } | undefined)?.Filters ?? [];
      const startingPosition = props.StartingPosition === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'LATEST';
      if (props.StartingPosition !== undefined && props.StartingPosition !== startingPosition) {
        unsupportedMappings.push(`${id} StartingPosition ${String(props.StartingPosition)}`);
      }
      dynamoDbStreamMappings.push({
        ...common,
        tableName: table.name,
        startingPosition,
        filterPatterns: filters.map((filter) =>
          typeof filter.Pattern === 'string' ? filter.Pattern : JSON.stringify(filter.Pattern ?? {}),
        ),
        ...behaviour,
      });
      continue;
    }
    kinesisMappings.push({
      ...common,
      streamArn: (stream as StreamPlan).arn,
      streamName: (stream as StreamPlan).name,
      startingPosition: (props.StartingPosition as StreamMappingSettings['startingPosition']) ?? 'LATEST',
      ...(typeof props.StartingPositionTimestamp === 'number'
        ? { startingPositionTimestamp: props.StartingPositionTimestamp * 1000 }
        : {}),
      ...behaviour,
    });
  }
  return {
    streams,
    tables,
    buckets,
    topics,
    functions,
    kinesisMappings,
    dynamoDbStreamMappings,
    unsupportedMappings,
  };
};
