import { LOCAL_ACCOUNT_ID } from '../clients.ts';
import { CheckpointStore } from '../esm/checkpoints.ts';
import { LocalFirehose } from '../firehose/local-firehose.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import type { CloudPlan } from '../template.ts';
import type { CloudFolders } from './folders.ts';

/**
 * The local Firehose: the template's delivery streams, their positions read from the state folder (an
 * unreadable file stops the start, naming it), the API served on a free loopback port. The deliveries
 * themselves run with the cloud's mappings (LocalCloud.runMappings).
 */
export const startCloudFirehose = (plan: CloudPlan, folders: CloudFolders, metricStore: MetricStore) =>
  LocalFirehose.start({
    deliveryStreams: plan.deliveryStreams,
    positions: new CheckpointStore(folders.firehosePositionsFile),
    metricStore,
    accountId: LOCAL_ACCOUNT_ID,
    ...(folders.logGroupFile ? { logFileOf: folders.logGroupFile } : {}),
  });
