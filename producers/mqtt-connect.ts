import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { DeviceCredentials } from '../infra/local/iot/local-iot.ts';

/** How a device's client behaves on the wire, apart from who it is. */
export interface DeviceConnectSettings {
  /** First reconnection delay; the device link lengthens it after each failed attempt. */
  readonly reconnectPeriodMs: number;
  /** A connection not acknowledged (CONNACK) by then is dropped and retried. */
  readonly connectTimeoutMs: number;
  /** MQTT keep-alive; AWS IoT Core takes 30 to 1200 s. */
  readonly keepaliveSeconds: number;
}

/** Opens one device's MQTT client; tests give one over an in-memory stream to an in-process broker. */
export type DeviceConnector = (credentials: DeviceCredentials, settings: DeviceConnectSettings) => MqttClient;

/**
 * The options every device's client uses, whatever its transport: MQTT 3.1.1 with a clean session (AWS IoT Core
 * and the local broker both speak it), the thing name as client id (the IoT policy allows only that one), and
 * reconnection even after a refused CONNACK, so a "server unavailable" is retried like a dropped connection; the
 * device link ends the client itself on a refusal that retrying cannot fix.
 */
export const deviceClientOptions = (
  credentials: DeviceCredentials,
  settings: DeviceConnectSettings,
): IClientOptions => ({
  clientId: credentials.deviceId,
  protocolVersion: 4,
  clean: true,
  keepalive: settings.keepaliveSeconds,
  reconnectPeriod: settings.reconnectPeriodMs,
  reconnectOnConnackError: true,
  connectTimeout: settings.connectTimeoutMs,
  queueQoSZero: false,
});

/** mqtts://host[:port] only: devices authenticate with their certificate, so never in clear. */
const TLS_ENDPOINT = /^mqtts:\/\/[^/:]+(:\d+)?\/?$/;

/**
 * The device's own client over TLS: its certificate and key, and the CA it trusts for the broker's certificate
 * (the local CA, or Amazon's root CA for an ATS endpoint).
 */
export const connectOverTls: DeviceConnector = (credentials, settings) => {
  if (!TLS_ENDPOINT.test(credentials.endpoint)) {
    throw new Error(
      `device ${credentials.deviceId}: the endpoint must be mqtts://host[:port], e.g. mqtts://abc123-ats.iot.us-east-1.amazonaws.com:8883 (given ${credentials.endpoint})`,
    );
  }
  return mqtt.connect(credentials.endpoint, {
    ...deviceClientOptions(credentials, settings),
    cert: credentials.certificatePem,
    key: credentials.privateKeyPem,
    ca: credentials.caPem,
    rejectUnauthorized: true,
  });
};
