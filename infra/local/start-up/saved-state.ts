import type { LocalEndpoints } from '../clients.ts';
import { type CloudState, writeCloudState } from '../cloud-state.ts';
import type { StackResources } from '../stack-resources.ts';
import type { CloudPlan } from '../template.ts';
import type { CloudFolders } from './folders.ts';

/** What runs beside the servers, each only when started: the fault control, the collector, the demo shop, the broker, Firehose. */
export interface RunningExtras {
  readonly faults?: string | undefined;
  readonly collector?: string | undefined;
  readonly shop?: string | undefined;
  readonly mqtt?: string | undefined;
  readonly firehose?: string | undefined;
}

/**
 * What tools that run after the servers stop need to find this cloud's data, and what tools that run
 * beside it (chaos scenarios) need to reach it: the endpoints, the alerts topic, the fault control.
 */
export const cloudStateOf = (
  s3Data: string,
  plan: CloudPlan,
  resources: StackResources,
  endpoints: LocalEndpoints,
  { faults, collector, shop, mqtt, firehose }: RunningExtras = {},
): CloudState => ({
  lakeBucket: resources.lakeBucket.name,
  s3Directory: s3Data,
  rollupsTable: resources.rollupsTable.name,
  eventStream: resources.eventStream.name,
  buckets: plan.buckets.map((b) => b.name),
  endpoints,
  ...(resources.alertsTopic ? { alertsTopic: resources.alertsTopic.arn } : {}),
  ...(faults ? { faults } : {}),
  ...(collector ? { collector } : {}),
  ...(shop ? { shop } : {}),
  ...(mqtt ? { mqtt } : {}),
  ...(firehose ? { firehose } : {}),
});

/** Leaves `cloud.json` in the state folder; a cloud without one leaves nothing behind. */
export const saveCloudState = (
  folders: CloudFolders,
  plan: CloudPlan,
  resources: StackResources,
  endpoints: LocalEndpoints,
  extras: RunningExtras = {},
): void => {
  if (folders.stateDir) {
    writeCloudState(folders.stateDir, cloudStateOf(folders.s3Data, plan, resources, endpoints, extras));
  }
};
