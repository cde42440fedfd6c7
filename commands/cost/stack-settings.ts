import { DEFAULTS } from '../../infra/defaults.ts';
import type { StackSettings } from './model.ts';
import { DEFAULT_TARGET_UTILIZATION } from './table-capacity.ts';

/**
 * The stack's settings on AWS, from infra/defaults.ts (the local run shortens the archive's and Firehose's windows
 * so a short run writes objects; the model prices AWS's).
 */
export const AWS_STACK_SETTINGS: StackSettings = {
  kinesisBatching: {
    aggregate: {
      batchSize: DEFAULTS.aggregateEventSource.batchSize,
      windowSeconds: DEFAULTS.aggregateEventSource.maxBatchingWindow.toSeconds(),
    },
    archive: {
      batchSize: DEFAULTS.archiveEventSource.batchSize,
      windowSeconds: DEFAULTS.archiveEventSource.maxBatchingWindow.toSeconds(),
    },
  },
  scheduleSeconds: { silentDeviceCheck: DEFAULTS.fanout.silentCheckInterval.toSeconds() },
  rawBuffering: {
    intervalSeconds: DEFAULTS.rawZone.bufferingInterval.toSeconds(),
    sizeBytes: DEFAULTS.rawZone.bufferingSize.toBytes(),
  },
  lakeWriter: 'archive',
  // The stack's default (infra/constructs/event-stream.ts): provisioned shards, sized per rate by the model.
  kinesisMode: 'provisioned',
  // Every table is PAY_PER_REQUEST by default (infra/constructs/table-capacity.ts); the model shows provisioned
  // capacity beside it, and `--tables provisioned` prices a stack deployed with streamlake:tablesOnDemand=false.
  dynamoMode: 'on-demand',
  dynamoTargetUtilization: DEFAULT_TARGET_UTILIZATION,
};
