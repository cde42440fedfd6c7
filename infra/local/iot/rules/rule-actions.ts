import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { errorMessage } from '../../../../processors/shared/errors.ts';
import { type LogRotation, RotatingLog } from '../../rotating-log.ts';
import type { KinesisPutBatcher } from './kinesis-batcher.ts';
import type { RuleMessage } from './rule-message.ts';
import { compileSubstitution, type Substitution } from './substitution-template.ts';
import type { RuleActionPlan } from './topic-rule-plan.ts';

/** An SDK client of the local cloud (`cloud.clients.kinesis`, `cloud.clients.s3`): only `send` is used. */
interface SdkClient {
  send(command: never): Promise<unknown>;
}

/** Where the rule actions write: the local cloud's SDK clients and its log group files. */
export interface ActionTargets {
  readonly kinesis: SdkClient;
  readonly s3: SdkClient;
  /** The file a template log group's lines go to (`logs/<logical id>.log`); none: CloudWatch Logs actions keep nothing. */
  readonly logFileOf?: (logGroupLogicalId: string) => string;
}

/** What the actions write through: the targets, and the one batcher of every Kinesis action's puts. */
export interface ActionWriters extends ActionTargets {
  readonly kinesisPuts: KinesisPutBatcher;
}

/** An action that did not complete: what the error action's `failures` entry says of it. */
export class ActionFailure extends Error {
  override readonly name = 'ActionFailure';
  constructor(
    /** The stream, bucket or log group the action wrote to. */
    readonly resource: string,
    message: string,
  ) {
    super(message);
  }
}

/** One action of a rule, compiled: its substitution templates parsed, its target known. */
export interface RuleAction {
  /** The AWS/IoT `ActionType` dimension of its Success/Failure metrics: the CloudFormation key (`Kinesis`, …). */
  readonly type: string;
  /** `failedAction` in the error action's message (`KinesisAction`, `S3Action`, …). */
  readonly failedAction: string;
  /** Delivers `data` (the SELECT's output, or the error message) for `message`; throws an ActionFailure. */
  run(message: RuleMessage, data: Buffer): Promise<void>;
}

/**
 * A CloudWatch Logs action's lines: ≈ 1 KB per failed message, so 16 MiB holds ≈ 16,000 of them; two older
 * files keep the total under 48 MiB.
 */
const RULE_LOG_ROTATION: LogRotation = { maxBytes: 16 * 1024 * 1024, olderFiles: 2 };

/** How the SDK's error reads in an error message, as IoT Core writes it: the service's code, status and id. */
const sdkErrorText = (error: unknown, service: string): string => {
  const failed = error as { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const status = failed.$metadata?.httpStatusCode;
  const detail = [
    `Service: ${service}`,
    ...(status === undefined ? [] : [`Status Code: ${status}`]),
    `Error Code: ${failed.name ?? 'UnknownError'}`,
    ...(failed.$metadata?.requestId ? [`Request ID: ${failed.$metadata.requestId}`] : []),
  ];
  return `${errorMessage(error)} (${detail.join('; ')})`;
};

const required = (plan: RuleActionPlan, property: string, where: string): string => {
  const value = plan.properties[property];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${where}: the ${plan.type} action has no ${property} (given ${JSON.stringify(value)})`);
  }
  return value;
};

const optional = (plan: RuleActionPlan, property: string): string | undefined => {
  const value = plan.properties[property];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * Kinesis: the output as one record of the stream, partition key by its template (a random one when none is
 * declared, as IoT Core does); put through the batcher (kinesis-batcher.ts), one entry per message.
 */
const kinesisAction = (plan: RuleActionPlan, where: string, targets: ActionWriters): RuleAction => {
  const streamName = compileSubstitution(required(plan, 'StreamName', where), `${where} StreamName`);
  const declaredKey = optional(plan, 'PartitionKey');
  const partitionKey: Substitution = declaredKey
    ? compileSubstitution(declaredKey, `${where} PartitionKey`)
    : () => randomUUID();
  return {
    type: 'Kinesis',
    failedAction: 'KinesisAction',
    async run(message, data) {
      const stream = streamName(message);
      const key = partitionKey(message);
      try {
        await targets.kinesisPuts.put(stream, key, data);
      } catch (error) {
        throw new ActionFailure(
          stream,
          `Failed to write to Kinesis stream. The error received was ${sdkErrorText(error, 'AmazonKinesis')}. Message arrived on: ${message.topic}, Action: kinesis, Stream: ${stream}, PartitionKey: ${key}`,
        );
      }
    },
  };
};

/** S3 PutObject of the output at the key its template names. */
const s3Action = (plan: RuleActionPlan, where: string, targets: ActionWriters): RuleAction => {
  const bucketName = compileSubstitution(required(plan, 'BucketName', where), `${where} BucketName`);
  const key = compileSubstitution(required(plan, 'Key', where), `${where} Key`);
  return {
    type: 'S3',
    failedAction: 'S3Action',
    async run(message, data) {
      const bucket = bucketName(message);
      const objectKey = key(message);
      try {
        await targets.s3.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: data }) as never);
      } catch (error) {
        throw new ActionFailure(
          bucket,
          `Failed to put S3 object. The error received was ${sdkErrorText(error, 'Amazon S3')}. Message arrived on: ${message.topic}, Action: s3, Bucket: ${bucket}, Key: "${objectKey}"`,
        );
      }
    },
  };
};

/** CloudWatch Logs: one line per output (per array element in BatchMode) in the log group's local file. */
const cloudwatchLogsAction = (plan: RuleActionPlan, where: string, targets: ActionWriters): RuleAction => {
  const logGroupName = compileSubstitution(required(plan, 'LogGroupName', where), `${where} LogGroupName`);
  const batchMode = plan.properties.BatchMode === true || plan.properties.BatchMode === 'true';
  const file = plan.logGroupLogicalId ? targets.logFileOf?.(plan.logGroupLogicalId) : undefined;
  const log = file ? new RotatingLog(file, RULE_LOG_ROTATION) : undefined;
  return {
    type: 'CloudwatchLogs',
    failedAction: 'CloudwatchLogsAction',
    async run(message, data) {
      const group = logGroupName(message);
      try {
        const text = data.toString('utf8');
        const parsed = batchMode ? (JSON.parse(text) as unknown) : undefined;
        const lines = Array.isArray(parsed) ? parsed.map((item) => JSON.stringify(item)) : [text];
        for (const line of lines) log?.append(line);
      } catch (error) {
        throw new ActionFailure(
          group,
          `Failed to put log events. The error received was ${errorMessage(error)}. Message arrived on: ${message.topic}, Action: cloudwatchLogs, LogGroup: ${group}`,
        );
      }
    },
  };
};

const ACTIONS: Readonly<
  Record<string, (plan: RuleActionPlan, where: string, targets: ActionWriters) => RuleAction>
> = { Kinesis: kinesisAction, S3: s3Action, CloudwatchLogs: cloudwatchLogsAction };

/**
 * Compiles one declared action; an action type the local engine does not run is refused at start-up, naming the
 * rule (`where`) and the action.
 */
export const compileAction = (plan: RuleActionPlan, where: string, targets: ActionWriters): RuleAction => {
  const make = ACTIONS[plan.type];
  if (!make) {
    throw new Error(
      `${where}: the ${plan.type} action is not run locally (the local rule engine runs ${Object.keys(ACTIONS).join(', ')} actions)`,
    );
  }
  return make(plan, where, targets);
};
