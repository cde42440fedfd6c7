import type { RuleMessage } from './rule-message.ts';

/** One failed action, as the error action's message lists it. */
export interface RuleFailure {
  /** `KinesisAction`, `S3Action`, … */
  readonly failedAction: string;
  /** The stream, bucket or log group the action wrote to. */
  readonly failedResource: string;
  readonly errorMessage: string;
}

/** What IoT Core sends a rule's error action: one per rule and message, every failed action of it listed. */
export interface ErrorActionMessage {
  readonly ruleName: string;
  readonly topic: string;
  /** The message's trace id (`traceid()`), which names its lines in the logs. */
  readonly cloudwatchTraceId: string;
  readonly clientId: string;
  readonly base64OriginalPayload: string;
  readonly failures: readonly RuleFailure[];
}

/** The error action's message for `message`, whose actions under `ruleName` failed with `failures`. */
export const errorActionMessage = (
  ruleName: string,
  message: RuleMessage,
  failures: readonly RuleFailure[],
): ErrorActionMessage => ({
  ruleName,
  topic: message.topic,
  cloudwatchTraceId: message.traceId,
  clientId: message.clientId,
  base64OriginalPayload: message.payload.toString('base64'),
  failures,
});
