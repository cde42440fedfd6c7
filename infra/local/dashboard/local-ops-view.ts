import { type Stack, Token } from 'aws-cdk-lib';
import {
  type AlarmSpec,
  type DashboardSpec,
  type OpsResources,
  type OpsThresholds,
  opsAlarms,
  opsDashboard,
} from '../../../dashboards/index.ts';
import type { CloudPlan } from '../template.ts';

/** The ops view as the local cloud serves it: the stack's own definitions with local physical names. */
export interface LocalOpsView {
  readonly resources: OpsResources;
  readonly dashboard: DashboardSpec;
  readonly alarms: AlarmSpec[];
  /** Where alarm notifications go (the stack's ops topic). */
  readonly opsTopicArn: string;
  /** Where the fan-out publishes alert transitions. */
  readonly alertsTopicArn: string;
}

/** A CDK token resolved to what the local cloud named the resource it points at. */
const localValue = (stack: Stack, plan: CloudPlan, value: string): string => {
  if (!Token.isUnresolved(value)) return value;
  // A mapping's Ref is its UUID, which is also the dimension of its EventCount metrics.
  const mappings = [...plan.kinesisMappings, ...plan.dynamoDbStreamMappings].map((m) => ({
    logicalId: m.id,
    name: m.uuid,
    arn: m.uuid,
  }));
  const named = [
    ...plan.streams,
    ...plan.tables,
    ...plan.buckets,
    ...plan.topics,
    ...plan.functions,
    ...mappings,
  ];
  const byId = (logicalId: string) => {
    const resource = named.find((r) => r.logicalId === logicalId);
    if (!resource)
      throw new Error(`the ops view refers to ${logicalId}, which the local cloud did not provision`);
    return resource;
  };
  const resolve = (intrinsic: unknown): string => {
    if (typeof intrinsic === 'string') return intrinsic;
    const object = intrinsic as Record<string, unknown>;
    if ('Ref' in object) {
      const resource = byId(String(object.Ref));
      return plan.topics.includes(resource) ? resource.arn : resource.name;
    }
    if ('Fn::GetAtt' in object) {
      const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
      const resource = byId(logicalId);
      return attribute.endsWith('Arn') ? resource.arn : resource.name;
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    throw new Error(`the local cloud cannot resolve ${JSON.stringify(intrinsic)} in the ops view`);
  };
  return resolve(stack.resolve(value));
};

const localized = <T>(stack: Stack, plan: CloudPlan, value: T): T => {
  if (typeof value === 'string') return localValue(stack, plan, value) as T;
  if (Array.isArray(value)) return value.map((item) => localized(stack, plan, item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, localized(stack, plan, inner)]),
    ) as T;
  }
  return value;
};

/** Builds the local ops view from the synthesized stack's resources and thresholds. */
export const localOpsView = (
  stack: Stack & {
    readonly ops: {
      readonly resources: OpsResources;
      readonly thresholds: OpsThresholds;
      readonly topic: { readonly topicArn: string };
    };
    readonly alerting: { readonly topic: { readonly topicArn: string } };
  },
  plan: CloudPlan,
): LocalOpsView => {
  const resources = localized(stack, plan, stack.ops.resources);
  return {
    resources,
    dashboard: opsDashboard(resources),
    alarms: opsAlarms(resources, stack.ops.thresholds),
    opsTopicArn: localValue(stack, plan, stack.ops.topic.topicArn),
    alertsTopicArn: localValue(stack, plan, stack.alerting.topic.topicArn),
  };
};
