/**
 * What a producer saw of the device edge (client-observed): connections, messages and the events they carried,
 * losses. A message is one MQTT PUBLISH: one event, or a batch of them (docs/decisions.md, D36); IoT Core bills
 * messages, the pipeline counts events.
 */
export interface DeviceFigures {
  /** Devices that have had an event to send. */
  readonly devices: number;
  /** Devices connected to the broker now. */
  readonly connected: number;
  /** Messages the broker acknowledged (PUBACK). */
  readonly published: number;
  /** Events those messages carried: accepted records. */
  readonly publishedEvents: number;
  /**
   * Messages resent after their connection was lost before the PUBACK (QoS 1): the broker may have taken some
   * of them already, so the stream can hold them twice under one eventId.
   */
  readonly resent: number;
  /** Events those resent messages carried. */
  readonly resentEvents: number;
  /** Connections re-established after one was lost. */
  readonly reconnects: number;
  /** Events dropped, oldest first, from a full offline buffer (unsent, DeviceBufferFull). */
  readonly dropped: number;
  /** Devices the broker refused (certificate, client id, policy) or that had no credentials. */
  readonly refusedDevices: number;
  /** Events not sent because their device was refused. */
  readonly refused: number;
}

/** Running totals of the device figures, kept by the device connections. */
export class DeviceTally {
  devices = 0;
  connected = 0;
  published = 0;
  publishedEvents = 0;
  resent = 0;
  resentEvents = 0;
  reconnects = 0;
  dropped = 0;
  refusedDevices = 0;
  refused = 0;

  figures(): DeviceFigures {
    return {
      devices: this.devices,
      connected: this.connected,
      published: this.published,
      publishedEvents: this.publishedEvents,
      resent: this.resent,
      resentEvents: this.resentEvents,
      reconnects: this.reconnects,
      dropped: this.dropped,
      refusedDevices: this.refusedDevices,
      refused: this.refused,
    };
  }
}

const n = (value: number) => value.toLocaleString('en-US');

/**
 * One line of what the devices saw:
 * `50/50 connected, 1,000 messages published (PUBACK) with 12,000 events, 3 resent (36 events) after 2 reconnects, …`.
 */
export const deviceFiguresText = (figures: DeviceFigures): string =>
  [
    `${n(figures.connected)}/${n(figures.devices)} connected`,
    `${n(figures.published)} messages published (PUBACK) with ${n(figures.publishedEvents)} events`,
    `${n(figures.resent)} resent (${n(figures.resentEvents)} events) after ${n(figures.reconnects)} reconnects`,
    `${n(figures.dropped)} events dropped from full buffers`,
    `refused ${n(figures.refusedDevices)} devices (${n(figures.refused)} events)`,
  ].join(', ');
