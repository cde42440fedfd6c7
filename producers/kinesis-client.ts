import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface ProducerKinesisOptions {
  /** @default env AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** A Kinesis-compatible server, e.g. http://127.0.0.1:4567. @default env AWS_ENDPOINT_URL_KINESIS, else AWS */
  readonly endpoint?: string;
  /** Where to read the defaults above. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The client configuration, separate from construction so it can be checked without a client. */
export const kinesisClientConfig = (options: ProducerKinesisOptions = {}): KinesisClientConfig => {
  const env = options.env ?? process.env;
  const region = options.region ?? env.AWS_REGION ?? 'us-east-1';
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_KINESIS;
  if (!endpoint) return { region };
  return {
    region,
    endpoint,
    // Local Kinesis servers speak HTTP/1.1; the SDK's Kinesis client defaults to HTTP/2.
    requestHandler: new NodeHttpHandler(),
    // Local servers accept any signature; real credentials, when set, are used as is.
    ...(env.AWS_ACCESS_KEY_ID ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
};

/** Creates the producer process's one Kinesis client: local server when an endpoint is given, AWS otherwise. */
export const createKinesisClient = (options: ProducerKinesisOptions = {}): KinesisClient =>
  new KinesisClient(kinesisClientConfig(options));
