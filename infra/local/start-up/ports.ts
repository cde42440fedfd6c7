import { assertPortFree, freePort } from '../servers/ports.ts';

/** The loopback port of each local service. */
export interface ServicePorts {
  readonly kinesis: number;
  readonly dynamodb: number;
  readonly s3: number;
  readonly sns: number;
}

/** How each service is named when its port is taken (the message says what to do). */
const SERVICE_NAMES: Record<keyof ServicePorts, string> = {
  kinesis: 'Kinesis',
  dynamodb: 'DynamoDB Local',
  s3: 'S3',
  sns: 'SNS',
};

/** Four consecutive ports from `basePort` (Kinesis, DynamoDB, S3, SNS), or free ones the OS picks when 0. */
export const servicePorts = async (
  basePort = 0,
  pickFree: () => Promise<number> = freePort,
): Promise<ServicePorts> => {
  if (basePort) return { kinesis: basePort, dynamodb: basePort + 1, s3: basePort + 2, sns: basePort + 3 };
  return {
    kinesis: await pickFree(),
    dynamodb: await pickFree(),
    s3: await pickFree(),
    sns: await pickFree(),
  };
};

/** Rejects naming the first port (in service order) something already holds. */
export const assertServicePortsFree = async (ports: ServicePorts): Promise<void> => {
  for (const service of ['kinesis', 'dynamodb', 's3', 'sns'] as const) {
    await assertPortFree(ports[service], SERVICE_NAMES[service]);
  }
};
