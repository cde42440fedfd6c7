/**
 * What AWS charges, us-east-1, as read on READ_ON without network access to the live pages: each price with its
 * unit and where it was found (a stored copy of the page, or a restatement of it). The live tables render their
 * numbers dynamically; where the stored copy had no number, the figure is the one commonly quoted and is marked
 * `verified: false` ("as known on READ_ON, unverified offline"). Confirm before quoting a bill.
 */
export const READ_ON = '2026-12-02';
export const REGION = 'us-east-1';

export interface Price {
  /** Dollars per `unit`. */
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  /** The number itself was seen in the source (true), or only the billing rule (false). */
  readonly verified: boolean;
}

const KINESIS = 'https://aws.amazon.com/kinesis/data-streams/pricing/';
const FIREHOSE = 'https://aws.amazon.com/kinesis/data-firehose/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const DYNAMODB_PROVISIONED = 'https://aws.amazon.com/dynamodb/pricing/provisioned/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';

export const PRICES = {
  kinesisOnDemandStreamHour: {
    usd: 0.04,
    unit: 'stream-hour (on-demand)',
    source: KINESIS,
    verified: false,
  },
  /** Each record rounded up to 1 KiB (the page's own rule: "a 4.5 KB record counts as 5 KB"). */
  kinesisOnDemandIngestGb: {
    usd: 0.08,
    unit: 'GB written, records rounded up to 1 KiB',
    source: KINESIS,
    verified: false,
  },
  /** Per consumer that reads the record (each event source mapping, Firehose), rounded as written. */
  kinesisOnDemandRetrievalGb: { usd: 0.04, unit: 'GB read per consumer', source: KINESIS, verified: false },
  kinesisShardHour: { usd: 0.015, unit: 'shard-hour (provisioned)', source: KINESIS, verified: false },
  /** A record counts one unit per started 25 KiB. */
  kinesisPutPayloadUnit: {
    usd: 0.014 / 1e6,
    unit: 'PUT payload unit (25 KiB)',
    source: KINESIS,
    verified: false,
  },
  /** Direct PUT and Kinesis-stream sources: every record rounded up to 5 KB (stored page, de; D29). */
  firehoseIngestGb: {
    usd: 0.029,
    unit: 'GB ingested, records rounded up to 5 KiB',
    source: FIREHOSE,
    verified: false,
  },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'invocation', source: LAMBDA, verified: true },
  /** arm64, first 7.5 billion GB-s a month (restated by cloudchipr.com's Lambda pricing guide). */
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-second (arm64)', source: LAMBDA, verified: true },
  /** On-demand after the November 2024 cut (airbyte.com's restatement); D14/D21 used the older $1.25 and $0.25. */
  dynamoWriteUnit: { usd: 0.625 / 1e6, unit: 'write request unit (1 KB)', source: DYNAMODB, verified: true },
  dynamoReadUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit (4 KB strong, 8 KB eventual)',
    source: DYNAMODB,
    verified: true,
  },
  /**
   * Provisioned capacity, Standard table class, per unit set for an hour (read 2026-12-03): the stored copy of the
   * AWS page shows the billing rule but not the number (the table renders dynamically); $0.00065 per WCU-hour and
   * $0.00013 per RCU-hour in us-east-1 are the figures restated alike by several secondary sources (e.g.
   * notes.deiveris.lv's DynamoDB provisioned-throughput notes). The November 2024 cut halved on-demand only.
   */
  dynamoWriteCapacityHour: {
    usd: 0.00065,
    unit: 'write capacity unit-hour (provisioned)',
    source: DYNAMODB_PROVISIONED,
    verified: false,
  },
  dynamoReadCapacityHour: {
    usd: 0.00013,
    unit: 'read capacity unit-hour (provisioned)',
    source: DYNAMODB_PROVISIONED,
    verified: false,
  },
  s3PutRequest: { usd: 0.005 / 1000, unit: 'PUT, COPY, POST or LIST request', source: S3, verified: false },
  s3GetRequest: { usd: 0.0004 / 1000, unit: 'GET, HEAD or other request', source: S3, verified: false },
  s3StandardGbMonth: { usd: 0.023, unit: 'GB-month, S3 Standard', source: S3, verified: false },
  s3GlacierIrGbMonth: {
    usd: 0.004,
    unit: 'GB-month, S3 Glacier Instant Retrieval',
    source: S3,
    verified: false,
  },
  s3GlacierIrTransition: {
    usd: 0.02 / 1000,
    unit: 'lifecycle transition into S3 Glacier Instant Retrieval',
    source: S3,
    verified: false,
  },
  apiGatewayRestRequest: {
    usd: 3.5 / 1e6,
    unit: 'REST API request (first 333 million a month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    verified: false,
  },
  /** Messages, rules triggered and actions executed are each metered in 5 KB units (D25). */
  iotMessage: {
    usd: 1 / 1e6,
    unit: 'message (5 KB)',
    source: 'https://aws.amazon.com/iot-core/pricing/',
    verified: false,
  },
  iotRuleTriggered: {
    usd: 0.15 / 1e6,
    unit: 'rule triggered (5 KB)',
    source: 'https://aws.amazon.com/iot-core/pricing/',
    verified: false,
  },
  iotActionExecuted: {
    usd: 0.15 / 1e6,
    unit: 'action executed (5 KB)',
    source: 'https://aws.amazon.com/iot-core/pricing/',
    verified: false,
  },
  /** The first million a month are free; every started 64 KB of a message is one request. */
  snsPublish: {
    usd: 0.5 / 1e6,
    unit: 'publish (64 KB)',
    source: 'https://aws.amazon.com/sns/pricing/',
    verified: false,
  },
  /** Each unique namespace + name + dimension values, first 10,000 a month. */
  cloudWatchMetricMonth: { usd: 0.3, unit: 'custom metric-month', source: CLOUDWATCH, verified: true },
  cloudWatchLogsIngestGb: {
    usd: 0.5,
    unit: 'GB of log lines ingested (standard class)',
    source: CLOUDWATCH,
    verified: true,
  },
  cloudWatchAlarmMonth: {
    usd: 0.1,
    unit: 'standard-resolution alarm metric-month',
    source: CLOUDWATCH,
    verified: true,
  },
  /** Beyond the first three of the account. */
  cloudWatchDashboardMonth: { usd: 3, unit: 'dashboard-month', source: CLOUDWATCH, verified: true },
} as const satisfies Record<string, Price>;

export type Prices = { readonly [K in keyof typeof PRICES]: Price };
