import type { PutRecordsTotal } from '../servers/kinesis-server.ts';
import { KINESIS_NAMESPACE } from './mapping-metrics.ts';
import type { MetricStore } from './metric-store.ts';

/**
 * The AWS/Kinesis write metrics, dimension `StreamName`, from what kinesalite's thread measured:
 * IncomingRecords and IncomingBytes (accepted records and their data bytes) and
 * WriteProvisionedThroughputExceeded (records refused; kinesalite never refuses, so 0).
 */
export const kinesisPutMetrics =
  (store: MetricStore) =>
  (totals: readonly PutRecordsTotal[]): void => {
    for (const { streamName, timestampMs, records, bytes, throttled } of totals) {
      const dimensions = { StreamName: streamName };
      store.put({ namespace: KINESIS_NAMESPACE, name: 'IncomingRecords', dimensions }, records, timestampMs);
      store.put({ namespace: KINESIS_NAMESPACE, name: 'IncomingBytes', dimensions }, bytes, timestampMs);
      store.put(
        { namespace: KINESIS_NAMESPACE, name: 'WriteProvisionedThroughputExceeded', dimensions },
        throttled,
        timestampMs,
      );
    }
  };
