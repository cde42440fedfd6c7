import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type LiveSettings, liveSettingsOf } from './live-settings.ts';

/** The deployed aggregate and archive functions, as the stack's outputs name them. */
export interface LiveFunctions {
  readonly aggregate: string;
  readonly archive: string;
}

/** How far back the consumer lag looks: IteratorAge's maximum over this long. */
export const LAG_LOOKBACK_MS = 15 * 60_000;

/** A deployed function's environment (what the stack gave it), by GetFunctionConfiguration. */
export const functionEnvironment = async (
  lambda: LambdaClient,
  FunctionName: string,
): Promise<Record<string, string>> =>
  (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName }))).Environment?.Variables ?? {};

/** The deployed functions' settings, from their configuration (the environment the stack gave them). */
export const awsLiveSettings = async (
  lambda: LambdaClient,
  functions: LiveFunctions,
): Promise<LiveSettings> =>
  liveSettingsOf(
    await functionEnvironment(lambda, functions.aggregate),
    await functionEnvironment(lambda, functions.archive),
  );

/**
 * The consumer lag on AWS: the largest AWS/Lambda IteratorAge (Maximum, per minute) of the aggregate and
 * archive functions over the last 15 minutes, 0 when neither reported any (no records arrived).
 */
export const awsConsumerLagMs = async (
  cloudwatch: CloudWatchClient,
  functions: LiveFunctions,
  nowMs: number,
): Promise<number> => {
  const names = [functions.aggregate, functions.archive];
  const result = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(nowMs - LAG_LOOKBACK_MS),
      EndTime: new Date(nowMs),
      MetricDataQueries: names.map((FunctionName, i) => ({
        Id: `age${i}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/Lambda',
            MetricName: 'IteratorAge',
            Dimensions: [{ Name: 'FunctionName', Value: FunctionName }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
    }),
  );
  return Math.max(0, ...(result.MetricDataResults ?? []).flatMap((r) => r.Values ?? []));
};
