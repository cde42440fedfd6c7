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

/** A delivery stream's S3 destination, as its plan (locally) or DescribeDeliveryStream (on AWS) tells it. */
export interface RawDestination {
  readonly streamName: string;
  readonly bucketName: string;
  /** The data Prefix as declared; Firehose's default when the destination declares none. */
  readonly prefix?: string;
  readonly bufferIntervalSeconds: number;
  readonly customTimeZone?: string;
}

/**
 * The raw zone at a delivery stream's destination: its bucket, data prefix and buffer interval. Its object
 * names are stamped in the destination's time zone; only UTC (the raw zone's, D29) is read.
 */
export const rawZoneAt = (destination: RawDestination, s3: S3Client): RawZone => {
  if (destination.customTimeZone && destination.customTimeZone !== 'UTC') {
    throw new Error(
      `delivery stream ${destination.streamName} stamps its objects in ${destination.customTimeZone}; the rebuild reads UTC stamps only: drop CustomTimeZone`,
    );
  }
  return {
    objects: s3LakeObjects(s3, destination.bucketName),
    dataPrefix: destination.prefix ?? FIREHOSE_DEFAULT_PREFIX,
    bufferIntervalMs: destination.bufferIntervalSeconds * 1000,
  };
};

/** The raw zone of a local delivery stream, from the plan the local Firehose runs. */
export const rawZoneOf = ({ name, destination }: DeliveryStreamPlan, s3: S3Client): RawZone =>
  rawZoneAt(
    {
      streamName: name,
      bucketName: destination.bucketName,
      prefix: destination.prefix,
      bufferIntervalSeconds: destination.bufferingHints.intervalInSeconds,
      customTimeZone: destination.customTimeZone,
    },
    s3,
  );

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
