import { IoTClient, type IoTClientConfig } from '@aws-sdk/client-iot';

export interface DeviceIotOptions {
  /** @default env AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** An IoT-compatible control-plane endpoint. @default env AWS_ENDPOINT_URL_IOT, else AWS */
  readonly endpoint?: string;
  /** Where to read the defaults above. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The client configuration, separate from construction so it can be checked without a client. */
export const iotClientConfig = (options: DeviceIotOptions = {}): IoTClientConfig => {
  const env = options.env ?? process.env;
  const region = options.region ?? env.AWS_REGION ?? 'us-east-1';
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_IOT;
  // Registration is a handful of calls a person waits for: the SDK's standard retries, nothing longer.
  return { region, maxAttempts: 3, ...(endpoint ? { endpoint } : {}) };
};

/** The device command's one IoT (control plane) client: registration and revocation on AWS. */
export const createIotClient = (options: DeviceIotOptions = {}): IoTClient =>
  new IoTClient(iotClientConfig(options));

/** The part of IoTClient the registration uses; unit tests pass a fake. */
export type IotSender = Pick<IoTClient, 'send'>;
