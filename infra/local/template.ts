import type { RestApiPlan } from './apigateway/api-plan.ts';
import type { DynamoDbStreamMappingSettings, StreamMappingSettings } from './esm/settings.ts';
import type { DeliveryStreamPlan } from './firehose/delivery-stream-plan.ts';
import type { IotPolicyPlan } from './iot/iot-policy.ts';
import type { TopicRulePlan } from './iot/rules/topic-rule-plan.ts';
import type { MetricFilterPlan } from './logs/metric-filter-plan.ts';
import { restApisFromTemplate } from './template-apis.ts';
import { deliveryStreamsFromTemplate } from './template-firehose.ts';
import { type FunctionNotRun, functionsNotRunLocally } from './template-functions.ts';
import { TemplateIntrinsics } from './template-intrinsics.ts';
import { topicRulesFromTemplate } from './template-iot.ts';
import { iotPoliciesFromTemplate } from './template-iot-policies.ts';
import { mappingsFromTemplate } from './template-mappings.ts';
import { metricFiltersFromTemplate } from './template-metric-filters.ts';

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
  /** How long records stay readable (`RetentionPeriodHours`); Kinesis's default, 24, when undeclared. */
  readonly retentionHours?: number;
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
  /** Functions the template declares that the local cloud does not run (custom resource providers, not Node.js). */
  readonly functionsNotRun: FunctionNotRun[];
  readonly kinesisMappings: StreamMappingSettings[];
  /** Mappings on a table's stream (`Fn::GetAtt Table.StreamArn`). */
  readonly dynamoDbStreamMappings: DynamoDbStreamMappingSettings[];
  /** Mappings the local cloud cannot run (e.g. SQS), named so nobody is surprised. */
  readonly unsupportedMappings: string[];
  /** REST APIs (API Gateway), served by the local API Gateway (apigateway/start-rest-apis.ts). */
  readonly restApis: RestApiPlan[];
  /** Metric filters on the template's log groups, applied to the log lines the local cloud writes for them. */
  readonly metricFilters: MetricFilterPlan[];
  /** IoT topic rules, run by the local rule engine (iot/rules/rule-engine.ts) on what the broker accepts. */
  readonly topicRules: TopicRulePlan[];
  /** IoT policies; the broker (iot/mqtt-broker.ts) enforces the one the stack's DevicePolicyName names. */
  readonly iotPolicies: IotPolicyPlan[];
  /** Firehose delivery streams (Kinesis source → S3), run by the local Firehose (firehose/local-firehose.ts). */
  readonly deliveryStreams: DeliveryStreamPlan[];
}

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

/** A function as the local runtime runs it: handler, limits, role and environment resolved, where its bundle is. */
const functionPlan = (
  id: string,
  resource: Template['Resources'][string],
  intrinsics: TemplateIntrinsics,
): FunctionPlan => {
  const props = resource.Properties ?? {};
  const variables =
    (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const assetPath = resource.Metadata?.['aws:asset:path'];
  const entry = resource.Metadata?.['streamlake:entry'];
  return {
    ...intrinsics.named(id, 'AWS::Lambda::Function'),
    handler: String(props.Handler ?? 'index.handler'),
    runtime: String(props.Runtime ?? ''),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memoryMb: Number(props.MemorySize ?? 128),
    roleArn: String(intrinsics.resolve(props.Role) ?? ''),
    environment: Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, String(intrinsics.resolve(v))]),
    ),
    ...(typeof assetPath === 'string' ? { assetPath } : {}),
    ...(typeof entry === 'string' ? { entry } : {}),
  };
};

/** Reads a synthesized template into the plan the local cloud provisions. */
export const planFromTemplate = (template: Template, account: LocalAccount): CloudPlan => {
  const intrinsics = new TemplateIntrinsics(template, account);
  const { resolve } = intrinsics;
  const ofType = (type: string) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

  const streams = ofType('AWS::Kinesis::Stream').map(([id, r]) => ({
    ...intrinsics.named(id, 'AWS::Kinesis::Stream'),
    ...(typeof r.Properties?.ShardCount === 'number' ? { shardCount: r.Properties.ShardCount } : {}),
    ...(typeof r.Properties?.RetentionPeriodHours === 'number'
      ? { retentionHours: r.Properties.RetentionPeriodHours }
      : {}),
  }));
  const tables = ofType('AWS::DynamoDB::Table').map(([id, r]) => ({
    ...intrinsics.named(id, 'AWS::DynamoDB::Table'),
    properties: resolve(r.Properties ?? {}) as Record<string, unknown>,
  }));
  const buckets = ofType('AWS::S3::Bucket').map(
    ([id, r]): BucketPlan => ({
      ...intrinsics.named(id, 'AWS::S3::Bucket'),
      metricsFilters: metricsFiltersOf(resolve(r.Properties?.MetricsConfigurations)),
    }),
  );
  const topics = ofType('AWS::SNS::Topic').map(([id]) => intrinsics.named(id, 'AWS::SNS::Topic'));
  const functionsNotRun = functionsNotRunLocally(template);
  const functions = ofType('AWS::Lambda::Function')
    .filter(([id]) => !functionsNotRun.some((fn) => fn.logicalId === id))
    .map(([id, r]) => functionPlan(id, r, intrinsics));
  const mappings = ofType('AWS::Lambda::EventSourceMapping').map(
    ([id, r]) => [id, r.Properties ?? {}] as const,
  );
  return {
    streams,
    tables,
    buckets,
    topics,
    functions,
    functionsNotRun,
    ...mappingsFromTemplate(mappings, { streams, tables, buckets, functions }, resolve),
    restApis: restApisFromTemplate(template, resolve),
    metricFilters: metricFiltersFromTemplate(template),
    topicRules: topicRulesFromTemplate(template, intrinsics, account),
    iotPolicies: iotPoliciesFromTemplate(template, resolve),
    deliveryStreams: deliveryStreamsFromTemplate(template, intrinsics, account, { streams, buckets }),
  };
};
