import { assertPortFree, freePort } from '../servers/ports.ts';

/** The loopback port of each local service. */
export interface ServicePorts {
  readonly kinesis: number;
  readonly dynamodb: number;
  readonly s3: number;
  readonly sns: number;
  /** The demo shop, served when the stack declares a collector; its origin is on the collector's allow-list. */
  readonly shop: number;
  /** The MQTT broker (mqtts), run when the stack declares a device policy (the local IoT Core). */
  readonly mqtt: number;
}

/** How each service is named when its port is taken (the message says what to do). */
const SERVICE_NAMES: Record<keyof ServicePorts, string> = {
  kinesis: 'Kinesis',
  dynamodb: 'DynamoDB Local',
  s3: 'S3',
  sns: 'SNS',
  shop: 'the demo shop',
  mqtt: 'the MQTT broker',
};

/**
 * Where each service sits from `basePort`: four consecutive ports (Kinesis, DynamoDB, S3, SNS), then the shop
 * at base + 5 and the MQTT broker at base + 6 — base + 4 is the ops dashboard's (commands/start).
 */
const OFFSETS: Record<keyof ServicePorts, number> = {
  kinesis: 0,
  dynamodb: 1,
  s3: 2,
  sns: 3,
  shop: 5,
  mqtt: 6,
};

/** Ports a `--base-port N` run takes: N … N + 6 (the dashboard's N + 4 among them). */
export const BASE_PORT_SPAN = Math.max(...Object.values(OFFSETS)) + 1;

/** The services' ports from `basePort` (see OFFSETS), or free ones the OS picks when 0. */
export const servicePorts = async (
  basePort = 0,
  pickFree: () => Promise<number> = freePort,
): Promise<ServicePorts> => {
  const ports: Partial<Record<keyof ServicePorts, number>> = {};
  for (const service of Object.keys(OFFSETS) as (keyof ServicePorts)[]) {
    ports[service] = basePort ? basePort + OFFSETS[service] : await pickFree();
  }
  return ports as ServicePorts;
};

/**
 * Rejects naming the first port (in service order) something already holds. The shop's and the broker's ports are
 * checked even for a stack without a collector or device policy: the checks run before the synth tells whether it
 * has one (and before --fresh deletes anything).
 */
export const assertServicePortsFree = async (ports: ServicePorts): Promise<void> => {
  for (const service of Object.keys(OFFSETS) as (keyof ServicePorts)[]) {
    await assertPortFree(ports[service], SERVICE_NAMES[service]);
  }
};
