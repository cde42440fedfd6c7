import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { localClients } from '../../infra/local/clients.ts';
import type { CloudState } from '../../infra/local/cloud-state.ts';
import type { DeliveryStreamPlan } from '../../infra/local/firehose/delivery-stream-plan.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { startS3 } from '../../infra/local/servers/s3-server.ts';
import type { CloudPlan } from '../../infra/local/template.ts';
import { s3LakeObjects } from '../../processors/lake/lake-objects.ts';
import type { RawZone } from './lake-rebuild.ts';

/** Firehose's data prefix when a destination declares none (its object keys then start with the time). */
const FIREHOSE_DEFAULT_PREFIX = '!{timestamp:yyyy/MM/dd/HH/}';

/**
 * The raw zone of a delivery stream: its destination bucket, data prefix and buffer interval. Its object names
 * are stamped in the destination's time zone; only UTC (the raw zone's, D29) is read.
 */
export const rawZoneOf = (delivery: DeliveryStreamPlan, s3: S3Client): RawZone => {
  const { destination } = delivery;
  if (destination.customTimeZone && destination.customTimeZone !== 'UTC') {
    throw new Error(
      `delivery stream ${delivery.name} stamps its objects in ${destination.customTimeZone}; the rebuild reads UTC stamps only: drop CustomTimeZone`,
    );
  }
  return {
    objects: s3LakeObjects(s3, destination.bucketName),
    dataPrefix: destination.prefix ?? FIREHOSE_DEFAULT_PREFIX,
    bufferIntervalMs: destination.bufferingHints.intervalInSeconds * 1000,
  };
};

/** The one delivery stream of the plan that reads the event stream: the raw zone's. */
export const eventStreamDelivery = (
  plan: Pick<CloudPlan, 'deliveryStreams'>,
  eventStreamArn: string,
): DeliveryStreamPlan => {
  const found = plan.deliveryStreams.filter((d) => d.source.streamArn === eventStreamArn);
  const [delivery] = found;
  if (!delivery || found.length > 1) {
    throw new Error(
      `the stack has ${found.length} delivery streams reading the event stream (${found.map((d) => d.logicalId).join(', ') || 'none'}); ` +
        '--source raw needs exactly one, the raw zone (infra/constructs/raw-zone.ts)',
    );
  }
  return delivery;
};

/** An S3 client for an s3rver, configured as the local cloud configures its own (clients.ts). */
const localS3 = (endpoint: string): S3Client => {
  const { s3, ...others } = localClients({ kinesis: endpoint, dynamodb: endpoint, s3: endpoint });
  for (const client of Object.values(others)) client?.destroy();
  return s3;
};

/** Whether the s3rver behind `s3` answers. */
const answers = async (s3: S3Client): Promise<boolean> => {
  try {
    await s3.send(new ListBucketsCommand({}));
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs `use` with an S3 client on a local cloud's objects: the s3rver of a running `npm start` (cloud.json
 * names its endpoint), else one started on the saved object folder for the length of `use`.
 */
export const withLocalS3 = async <T>(
  cloud: Pick<CloudState, 'endpoints' | 's3Directory'>,
  use: (s3: S3Client) => Promise<T>,
): Promise<T> => {
  if (cloud.endpoints) {
    const s3 = localS3(cloud.endpoints.s3);
    try {
      if (await answers(s3)) return await use(s3);
    } finally {
      s3.destroy();
    }
  }
  const server = await startS3(await freePort(), cloud.s3Directory);
  const s3 = localS3(server.endpoint);
  try {
    return await use(s3);
  } finally {
    s3.destroy();
    await server.stop();
  }
};
