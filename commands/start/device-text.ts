import type { IotFigures } from '../../infra/local/iot/local-iot.ts';
import { type DeviceFigures, deviceFiguresText } from '../../producers/device-figures.ts';

const n = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** The broker's refusals and the rule engine's failures: `refused 2 conn, 1 pub, rule errors 0`. */
const brokerTroubles = (broker: IotFigures): string =>
  `refused ${n(broker.refusedConnections)} conn, ${n(broker.refusedPublishes)} pub, rule errors ${n(broker.ruleErrors)}` +
  (broker.actionFailures ? `, action failures ${n(broker.actionFailures)}` : '');

/**
 * The device edge's part of the live line: `mqtt 50/50 devices, 12,000 in, refused 0 conn, 0 pub, rule errors 0`.
 * Connections and messages as the broker counts them now (the producer's own figures are those of its last
 * tick, and stand still while it drains); devices, drops and refused devices as the devices saw them.
 */
export const deviceLiveText = (
  devices: DeviceFigures | undefined,
  broker: IotFigures | undefined,
): string => {
  if (!devices || devices.devices === 0) return '';
  const connected = broker?.connected ?? devices.connected;
  const messages = broker ? `${n(broker.messagesIn)} in` : `${n(devices.published)} pub`;
  const dropped = devices.dropped ? `, DROPPED ${n(devices.dropped)}` : '';
  const refused = devices.refusedDevices ? `, ${n(devices.refusedDevices)} devices REFUSED` : '';
  return (
    `mqtt ${n(connected)}/${n(devices.devices)} devices, ${messages}${dropped}${refused}` +
    (broker ? `, ${brokerTroubles(broker)}` : '')
  );
};

/** The summary's lines for the device edge: what the devices saw, then what the local broker and rules saw. */
export const deviceSummaryLines = (
  devices: DeviceFigures | undefined,
  broker: IotFigures | undefined,
): string[] => {
  const lines: string[] = [];
  if (devices) lines.push(`  devices (MQTT)          ${deviceFiguresText(devices)}`);
  if (broker) {
    lines.push(
      `  IoT broker and rule     ${n(broker.connections)} connections (${n(broker.refusedConnections)} refused), ` +
        `${n(broker.messagesIn)} messages in (${n(broker.refusedPublishes)} refused), ` +
        `rule errors ${n(broker.ruleErrors)}, Kinesis action failures ${n(broker.actionFailures)}` +
        (devices?.resent ? ' (a resent message the broker had already taken counts twice in)' : ''),
    );
  }
  return lines;
};
