import type { RestApiPlan } from './apigateway/api-plan.ts';
import type { DynamoDbStreamMappingSettings, StreamMappingSettings } from './esm/settings.ts';
import type {
  BucketPlan,
  CloudPlan,
  FunctionPlan,
  StreamPlan,
  TablePlan,
  Template,
  TopicPlan,
} from './template.ts';

/** The stack output (infra/streamlake-stack.ts) that names the resource of each role. */
export const ROLE_OUTPUTS = {
  eventStream: 'StreamName',
  rollupsTable: 'RollupsTableName',
  lakeBucket: 'LakeBucketName',
  alertsTopic: 'AlertsTopicArn',
  aggregateFunction: 'AggregateFunctionName',
  archiveFunction: 'ArchiveFunctionName',
  fanoutFunction: 'FanoutFunctionName',
  silentDeviceCheckFunction: 'SilentDeviceCheckFunctionName',
  collectorApi: 'CollectorApiId',
  collectorApiKey: 'CollectorApiKeyId',
} as const;

/** The resources the local cloud and its tools use, each the one the stack's outputs name. */
export interface StackResources {
  readonly eventStream: StreamPlan;
  readonly rollupsTable: TablePlan;
  readonly lakeBucket: BucketPlan;
  readonly alertsTopic: TopicPlan;
  /** The web collector's REST API, when the stack declares one. */
  readonly collectorApi?: RestApiPlan;
  /** The logical id of the collector's API key for server-side sources, when the stack has a collector. */
  readonly collectorApiKey?: string;
  readonly functions: {
    readonly aggregate: FunctionPlan;
    readonly archive: FunctionPlan;
    readonly fanout: FunctionPlan;
    readonly silentDeviceCheck: FunctionPlan;
  };
  /** Each consumer's mapping: the one that invokes its function from its source. */
  readonly mappings: {
    /** The aggregate function's mapping on the event stream. */
    readonly aggregate: StreamMappingSettings;
    /** The archive function's mapping on the event stream. */
    readonly archive: StreamMappingSettings;
    /** The fan-out function's mapping on the rollups table's stream. */
    readonly fanout: DynamoDbStreamMappingSettings;
  };
}

/** The logical id of the resource a stack output refers to (`Ref` or `Fn::GetAtt`). */
export const outputResourceId = (template: Template, stackName: string, output: string): string => {
  const declared = template.Outputs?.[output];
  if (!declared) {
    throw new Error(
      `stack ${stackName} has no output ${output}, by which the local cloud finds that resource: declare it (new CfnOutput(this, '${output}', …)) in infra/streamlake-stack.ts`,
    );
  }
  const value = declared.Value as { Ref?: unknown; 'Fn::GetAtt'?: unknown[] } | undefined;
  const logicalId = value?.Ref ?? value?.['Fn::GetAtt']?.[0];
  if (typeof logicalId !== 'string' || !template.Resources[logicalId]) {
    throw new Error(
      `output ${output} of stack ${stackName} refers to no resource of the stack (given ${JSON.stringify(declared.Value)}): it must be a Ref or Fn::GetAtt of one`,
    );
  }
  return logicalId;
};

/** Exactly one mapping of `fn` on `source`, or an error saying how many there are. */
const onlyMapping = <M extends { id: string; functionName: string }>(
  stackName: string,
  mappings: readonly M[],
  fn: FunctionPlan,
  source: { logicalId: string },
  readsSource: (mapping: M) => boolean,
): M => {
  const found = mappings.filter((mapping) => mapping.functionName === fn.name && readsSource(mapping));
  const [mapping] = found;
  if (!mapping || found.length > 1) {
    throw new Error(
      `stack ${stackName} declares ${found.length} event source mappings of ${fn.logicalId} on ${source.logicalId} (${found.map((m) => m.id).join(', ') || 'none'}); the local cloud needs exactly one`,
    );
  }
  return mapping;
};

/** Finds each role's resource in the plan through the stack output that names it; never by order or name. */
export const stackResources = (template: Template, plan: CloudPlan, stackName: string): StackResources => {
  const named = <R extends { logicalId: string }>(
    resources: readonly R[],
    output: string,
    kind: string,
  ): R => {
    const logicalId = outputResourceId(template, stackName, output);
    const resource = resources.find((r) => r.logicalId === logicalId);
    if (!resource) {
      throw new Error(
        `output ${output} of stack ${stackName} refers to ${logicalId} (${template.Resources[logicalId]?.Type}), not to a ${kind}`,
      );
    }
    return resource;
  };
  const eventStream = named(plan.streams, ROLE_OUTPUTS.eventStream, 'Kinesis stream');
  const rollupsTable = named(plan.tables, ROLE_OUTPUTS.rollupsTable, 'DynamoDB table');
  const functions = {
    aggregate: named(plan.functions, ROLE_OUTPUTS.aggregateFunction, 'Lambda function'),
    archive: named(plan.functions, ROLE_OUTPUTS.archiveFunction, 'Lambda function'),
    fanout: named(plan.functions, ROLE_OUTPUTS.fanoutFunction, 'Lambda function'),
    silentDeviceCheck: named(plan.functions, ROLE_OUTPUTS.silentDeviceCheckFunction, 'Lambda function'),
  };
  const onEventStream = (fn: FunctionPlan) =>
    onlyMapping(stackName, plan.kinesisMappings, fn, eventStream, (m) => m.streamArn === eventStream.arn);
  return {
    eventStream,
    rollupsTable,
    lakeBucket: named(plan.buckets, ROLE_OUTPUTS.lakeBucket, 'S3 bucket'),
    alertsTopic: named(plan.topics, ROLE_OUTPUTS.alertsTopic, 'SNS topic'),
    ...(template.Outputs?.[ROLE_OUTPUTS.collectorApi]
      ? { collectorApi: named(plan.restApis, ROLE_OUTPUTS.collectorApi, 'REST API') }
      : {}),
    ...(template.Outputs?.[ROLE_OUTPUTS.collectorApiKey]
      ? { collectorApiKey: outputResourceId(template, stackName, ROLE_OUTPUTS.collectorApiKey) }
      : {}),
    functions,
    mappings: {
      aggregate: onEventStream(functions.aggregate),
      archive: onEventStream(functions.archive),
      fanout: onlyMapping(
        stackName,
        plan.dynamoDbStreamMappings,
        functions.fanout,
        rollupsTable,
        (m) => m.tableName === rollupsTable.name,
      ),
    },
  };
};
