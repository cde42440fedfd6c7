import type { AlarmSpec } from './alarms.ts';
import { lakeMetrics, metric } from './metrics.ts';
import type { DeviceEdgeResource } from './resources.ts';
import type { MetricSpec, SearchSpec } from './series.ts';
import type { DashboardRow } from './widgets.ts';

export const IOT_NAMESPACE = 'AWS/IoT';

/**
 * The `ActionType` dimension of IoT Core's rule-action metrics (`Success`, `Failure`, `ErrorActionSuccess`,
 * `ErrorActionFailure`) for each action the device rule uses: the action's CloudFormation key, as the local rule
 * engine publishes them too.
 */
export const IOT_ACTION_TYPES = { kinesis: 'Kinesis', s3: 'S3' } as const;

/** The message broker's protocol dimension for devices on MQTT over TLS (port 8883). */
const MQTT = { Protocol: 'MQTT' };

/**
 * IoT Core's metrics of the device edge. The broker's (`Connect.*`, `PublishIn.*`) have no dimension finer than
 * the protocol, so they count every device of the account and region; the rule's carry its name.
 */
export const deviceMetrics = (devices: DeviceEdgeResource) => {
  const of = (name: string, dimensions: Record<string, string>, label: string) =>
    metric(IOT_NAMESPACE, name, dimensions, 'Sum', label, 'Count');
  const rule = { RuleName: devices.ruleName };
  // In CloudWatch's order (by name), as the widgets list them.
  const kinesis = { ActionType: IOT_ACTION_TYPES.kinesis, ...rule };
  const errorAction = { ActionType: IOT_ACTION_TYPES.s3, ...rule };
  return {
    connections: of('Connect.Success', MQTT, 'connections'),
    connectionsRefused: of('Connect.AuthError', MQTT, 'connections refused'),
    messagesIn: of('PublishIn.Success', MQTT, 'messages published'),
    publishesRefused: of('PublishIn.AuthError', MQTT, 'publishes refused'),
    topicMatch: of('TopicMatch', rule, 'matched by the rule'),
    kinesisDelivered: of('Success', kinesis, 'put into Kinesis'),
    kinesisFailures: of('Failure', kinesis, 'Kinesis action failures'),
    /** The error action (S3) could not keep a message either: that message is lost. */
    errorActionFailures: of('ErrorActionFailure', errorAction, 'lost: error action failed'),
    /** A message that is not JSON: IoT Core runs no action for it, not even the error action. */
    parseErrors: of('ParseError', rule, 'dropped: not JSON'),
  };
};

/** The rule's failed actions, one line per action type. */
export const ruleFailuresByAction = (devices: DeviceEdgeResource): SearchSpec => ({
  kind: 'search',
  namespace: IOT_NAMESPACE,
  name: 'Failure',
  dimensions: { RuleName: devices.ruleName },
  groupBy: 'ActionType',
  statistic: 'Sum',
  label: 'failed',
  unit: 'Count',
});

/** The Devices row: connections, messages in, what the rule put into Kinesis, and what it could not. */
export const devicesRow = (devices: DeviceEdgeResource, lakeBucketName: string): DashboardRow => {
  const iot = deviceMetrics(devices);
  const kept = lakeMetrics(lakeBucketName).deviceErrorPuts;
  const graph = (title: string, left: readonly (MetricSpec | SearchSpec)[]) => ({
    kind: 'graph' as const,
    title,
    left,
    width: 6,
  });
  return {
    title: `Devices: IoT Core topic rule ${devices.ruleName}`,
    widgets: [
      graph('Connections, accepted and refused (whole account)', [iot.connections, iot.connectionsRefused]),
      graph('Messages in: published, refused, matched by the rule', [
        iot.messagesIn,
        iot.publishesRefused,
        iot.topicMatch,
      ]),
      graph('Kinesis action: messages put into the stream, failures', [
        iot.kinesisDelivered,
        iot.kinesisFailures,
      ]),
      graph('Rule errors: failed actions, messages kept under errors/iot/, lost or dropped', [
        ruleFailuresByAction(devices),
        kept,
        iot.errorActionFailures,
        iot.parseErrors,
      ]),
    ],
  };
};

export interface DeviceThresholds {
  /** Device messages per minute the rule failed to put into the stream, to keep, or to parse. */
  readonly deviceRuleErrorsPerMinute: number;
}

/**
 * Alarms on the rule's errors: a message the Kinesis action could not put is not in the stream (the error
 * action keeps it under errors/iot/); one the error action could not keep either, or that is not JSON, is lost.
 */
export const deviceAlarms = (
  devices: DeviceEdgeResource,
  lakeBucketName: string,
  thresholds: DeviceThresholds,
): AlarmSpec[] => {
  const iot = deviceMetrics(devices);
  const limit = thresholds.deviceRuleErrorsPerMinute;
  return [
    {
      id: 'DeviceRuleErrors',
      title: `device rule errors above ${limit} a minute`,
      series: {
        kind: 'total',
        of: [iot.kinesisFailures, iot.errorActionFailures, iot.parseErrors],
        label: 'device rule errors',
      },
      comparison: 'GreaterThanThreshold',
      threshold: limit,
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      description:
        `The IoT rule ${devices.ruleName} failed more than ${limit} times a minute to put device messages into Kinesis, to keep them, or to parse them. ` +
        `A message the Kinesis action failed is under s3://${lakeBucketName}/errors/iot/ with the reason (failures[].errorMessage) and the payload ` +
        '(base64OriginalPayload): a missing permission, a deleted stream or Kinesis throttling is the usual cause. ' +
        'ErrorActionFailure (the role cannot write errors/iot/) and ParseError (a device sent other than JSON) are messages lost.',
    },
  ];
};
