/**
 * The names of what the ops view watches. CDK passes its tokens (resolved at deploy time), the
 * local cloud the physical names of its plan; the dashboard and alarms are built the same way.
 */
export type ConsumerKey = 'aggregate' | 'archive' | 'fanout';

/** A function fed by an event source mapping: it has an iterator age and publishes pipeline metrics. */
export interface ConsumerResource {
  readonly key: ConsumerKey;
  readonly title: string;
  readonly functionName: string;
  /** Its event source mapping's UUID: the `EventSourceMappingUUID` dimension of the mapping's own metrics. */
  readonly mappingUuid: string;
  /** The Powertools service dimension of its custom metrics. */
  readonly service: string;
  readonly source: 'kinesis' | 'dynamodb-stream';
  /** Its log group, for the recent-alerts query on CloudWatch. */
  readonly logGroupName?: string;
}

export interface FunctionResource {
  readonly title: string;
  readonly functionName: string;
  /** Its log group, for the recent-alerts query when it publishes alerts (the silent-device check does). */
  readonly logGroupName?: string;
}

export interface TableResource {
  readonly title: string;
  readonly tableName: string;
  /** Its global secondary indexes: each has its own capacity, and can throttle the table's writes. */
  readonly indexes?: readonly string[];
  /** Provisioned with auto scaling (`streamlake:tablesOnDemand=false`) rather than on demand. */
  readonly provisioned?: boolean;
}

/** The web collector's REST API, by the names its API Gateway metrics carry (plain text, no tokens). */
export interface CollectorResource {
  readonly apiName: string;
  readonly stage: string;
}

/** The device edge's IoT topic rule, by the name its metrics carry (plain text, no token). */
export interface DeviceEdgeResource {
  readonly ruleName: string;
}

/** The raw zone's Firehose delivery stream, by the name its metrics carry (plain text, no token), and where it writes. */
export interface RawZoneResource {
  readonly deliveryStreamName: string;
  readonly bucketName: string;
  /** The key prefix of the raw objects, e.g. `raw/`. */
  readonly prefix: string;
}

export interface OpsResources {
  readonly streamName: string;
  readonly consumers: readonly ConsumerResource[];
  /** Functions run on a schedule rather than by a mapping (the silent-device check). */
  readonly scheduled: readonly FunctionResource[];
  readonly tables: readonly TableResource[];
  readonly lakeBucketName: string;
  readonly alertsTopicName: string;
  /** The web collector, when the stack has one: the dashboard's Edge row and its alarms. */
  readonly collector?: CollectorResource;
  /** The device edge, when the stack has one: the dashboard's Devices row and its alarm. */
  readonly devices?: DeviceEdgeResource;
  /** The raw zone, when the stack has one: the dashboard's Raw zone row and its freshness alarm. */
  readonly rawZone?: RawZoneResource;
}

/**
 * S3 request-metric filters on the lake bucket (`MetricsConfigurations`): CloudWatch counts the
 * PUTs under each prefix, which is how an alarm sees "an object appeared under the on-failure prefix".
 */
export const LAKE_METRIC_FILTERS = {
  lakeOutput: { id: 'LakeOutput', prefix: 'lake/' },
  quarantine: { id: 'Quarantine', prefix: 'quarantine/' },
  onFailure: { id: 'OnFailureRecords', prefix: 'aws/lambda/' },
  /** What the device rule's error action keeps: messages its Kinesis action could not put, with the reason. */
  deviceErrors: { id: 'DeviceRuleErrors', prefix: 'errors/iot/' },
} as const;

/** The consumer of a key; every stack has all three. */
export const consumerOf = (resources: OpsResources, key: ConsumerKey): ConsumerResource => {
  const consumer = resources.consumers.find((c) => c.key === key);
  if (!consumer)
    throw new Error(
      `the ops resources name no ${key} consumer (given ${resources.consumers.map((c) => c.key).join(', ')})`,
    );
  return consumer;
};
