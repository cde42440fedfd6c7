import { DEFAULTS } from '../../infra/defaults.ts';
import type { StackSettings } from './model.ts';

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
};
