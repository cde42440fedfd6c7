import type { PollerObserver } from '../esm/batch-delivery.ts';
import type { CloudPlan } from '../template.ts';
import { LAMBDA_NAMESPACE } from './lambda-metrics.ts';
import type { MetricStore } from './metric-store.ts';

export const KINESIS_NAMESPACE = 'AWS/Kinesis';

/**
 * Iterator ages from the event source mappings' checkpoints: AWS/Lambda `IteratorAge` per function
 * (Kinesis and DynamoDB-stream mappings) and AWS/Kinesis `GetRecords.IteratorAgeMilliseconds` per
 * stream (chart the Maximum: every consumer of the stream reports into it). The age is taken when a
 * batch is checkpointed, i.e. after the function returned, where Lambda measures it as it sends the batch.
 */
export const iteratorAgeMetrics = (store: MetricStore, plan: CloudPlan): PollerObserver => {
  const sources = new Map<string, { functionName: string; streamName?: string }>();
  for (const mapping of plan.kinesisMappings) {
    sources.set(mapping.id, { functionName: mapping.functionName, streamName: mapping.streamName });
  }
  for (const mapping of plan.dynamoDbStreamMappings) {
    sources.set(mapping.id, { functionName: mapping.functionName });
  }
  return {
    onCheckpoint: ({ mappingId, iteratorAgeMs }) => {
      const source = sources.get(mappingId);
      if (!source) return;
      const at = Date.now();
      const age = Math.max(0, iteratorAgeMs);
      store.put(
        {
          namespace: LAMBDA_NAMESPACE,
          name: 'IteratorAge',
          dimensions: { FunctionName: source.functionName },
        },
        age,
        at,
      );
      if (source.streamName) {
        store.put(
          {
            namespace: KINESIS_NAMESPACE,
            name: 'GetRecords.IteratorAgeMilliseconds',
            dimensions: { StreamName: source.streamName },
          },
          age,
          at,
        );
      }
    },
  };
};

/**
 * The event source mapping metrics of the EventCount group a mapping's `MetricsConfig` asks for, as
 * Lambda publishes them per `EventSourceMappingUUID`: records given up on after their retries or
 * maximum age (`DroppedEventCount`), and of those the ones an on-failure destination received.
 */
export const givenUpMetrics = (store: MetricStore, plan: CloudPlan): PollerObserver => {
  const uuids = new Map<string, string>();
  for (const mapping of [...plan.kinesisMappings, ...plan.dynamoDbStreamMappings]) {
    if (mapping.eventCountMetrics) uuids.set(mapping.id, mapping.uuid);
  }
  return {
    onDiscard: ({ mappingId, records, key }) => {
      const uuid = uuids.get(mappingId);
      if (!uuid) return;
      const at = Date.now();
      const dimensions = { EventSourceMappingUUID: uuid };
      store.put({ namespace: LAMBDA_NAMESPACE, name: 'DroppedEventCount', dimensions }, records, at);
      if (key) {
        store.put(
          { namespace: LAMBDA_NAMESPACE, name: 'OnFailureDestinationDeliveredEventCount', dimensions },
          records,
          at,
        );
      }
    },
  };
};

/** One observer telling each of `observers` (the caller's progress, the metrics) everything. */
export const observeAll = (...observers: (PollerObserver | undefined)[]): PollerObserver => {
  const present = observers.filter((o): o is PollerObserver => o !== undefined);
  return {
    onInvoke: (info) => {
      for (const o of present) o.onInvoke?.(info);
    },
    onCheckpoint: (info) => {
      for (const o of present) o.onCheckpoint?.(info);
    },
    onDiscard: (info) => {
      for (const o of present) o.onDiscard?.(info);
    },
    onFilter: (info) => {
      for (const o of present) o.onFilter?.(info);
    },
    onServiceRetry: (info) => {
      for (const o of present) o.onServiceRetry?.(info);
    },
  };
};
