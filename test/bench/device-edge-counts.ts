import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { KINESIS_NAMESPACE } from '../../infra/local/metrics/mapping-metrics.ts';

// What the device edge has moved, from the local cloud's own metrics (IoT Core's and Kinesis's, as CloudWatch would
// hold them): nothing the devices believe, only what the broker took and the stream accepted.

/** Sum of a metric over every dimension set that includes `fixed`. */
const sumOf = (cloud: LocalCloud, namespace: string, name: string, fixed: Record<string, string>) =>
  cloud.metricStore.find(namespace, name, fixed).reduce((sum, id) => sum + cloud.metricStore.total(id), 0);

/**
 * What the broker, the topic rules and the stream have counted so far (IoT Core's and Kinesis's own metrics), over
 * every rule: the stack's one telemetry rule, whatever it is named.
 */
export const edgeCounts = (cloud: LocalCloud) => {
  const kinesisAction = { ActionType: 'Kinesis' };
  const iot = cloud.iot?.figures();
  return {
    messagesIn: iot?.messagesIn ?? 0,
    ruleErrors: iot?.ruleErrors ?? 0,
    actionsSucceeded: sumOf(cloud, 'AWS/IoT', 'Success', kinesisAction),
    actionsFailed: sumOf(cloud, 'AWS/IoT', 'Failure', kinesisAction),
    throttled: sumOf(cloud, 'AWS/IoT', 'RuleMessageThrottled', {}),
    streamRecords: sumOf(cloud, KINESIS_NAMESPACE, 'IncomingRecords', {
      StreamName: cloud.resources.eventStream.name,
    }),
  };
};

export type EdgeCounts = ReturnType<typeof edgeCounts>;

export const delta = (after: EdgeCounts, before: EdgeCounts): EdgeCounts => ({
  messagesIn: after.messagesIn - before.messagesIn,
  ruleErrors: after.ruleErrors - before.ruleErrors,
  actionsSucceeded: after.actionsSucceeded - before.actionsSucceeded,
  actionsFailed: after.actionsFailed - before.actionsFailed,
  throttled: after.throttled - before.throttled,
  streamRecords: after.streamRecords - before.streamRecords,
});

/** Messages whose rule has an outcome: put into the stream, failed, throttled or not evaluated. */
export const settledOf = (counts: EdgeCounts): number =>
  counts.actionsSucceeded + counts.actionsFailed + counts.throttled + counts.ruleErrors;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (at most `timeoutMs`) until every message the broker took since `before` has its rule's outcome (put,
 * failed, throttled or not evaluated) and the stream has counted the puts; answers the counts since `before`.
 */
export const drained = async (
  cloud: LocalCloud,
  before: EdgeCounts,
  timeoutMs: number,
): Promise<EdgeCounts> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const since = delta(edgeCounts(cloud), before);
    if (settledOf(since) >= since.messagesIn && since.streamRecords >= since.actionsSucceeded) return since;
    if (performance.now() > deadline) {
      throw new Error(
        `the edge did not drain within ${timeoutMs / 1000} s: ${JSON.stringify(since)} since the cell began`,
      );
    }
    await sleep(25);
  }
};
