/** What a producer saw of the device edge (client-observed): connections, acknowledged messages, losses. */
export interface DeviceFigures {
  /** Devices that have had a message to send. */
  readonly devices: number;
  /** Devices connected to the broker now. */
  readonly connected: number;
  /** Messages the broker acknowledged (PUBACK): accepted records. */
  readonly published: number;
  /**
   * Messages resent after their connection was lost before the PUBACK (QoS 1): the broker may have taken some
   * of them already, so the stream can hold them twice under one eventId.
   */
  readonly resent: number;
  /** Connections re-established after one was lost. */
  readonly reconnects: number;
  /** Messages dropped, oldest first, from a full offline buffer (unsent, DeviceBufferFull). */
  readonly dropped: number;
  /** Devices the broker refused (certificate, client id, policy) or that had no credentials. */
  readonly refusedDevices: number;
  /** Messages not sent because their device was refused. */
  readonly refused: number;
}

/** Running totals of the device figures, kept by the device connections. */
export class DeviceTally {
  devices = 0;
  connected = 0;
  published = 0;
  resent = 0;
  reconnects = 0;
  dropped = 0;
  refusedDevices = 0;
  refused = 0;

  figures(): DeviceFigures {
    return {
      devices: this.devices,
      connected: this.connected,
      published: this.published,
      resent: this.resent,
      reconnects: this.reconnects,
      dropped: this.dropped,
      refusedDevices: this.refusedDevices,
      refused: this.refused,
    };
  }
}

const n = (value: number) => value.toLocaleString('en-US');

/** One line of what the devices saw: `50/50 connected, 12,000 published, 3 resent, …`. */
export const deviceFiguresText = (figures: DeviceFigures): string =>
  [
    `${n(figures.connected)}/${n(figures.devices)} connected`,
    `${n(figures.published)} published (PUBACK)`,
    `${n(figures.resent)} resent after ${n(figures.reconnects)} reconnects`,
    `${n(figures.dropped)} dropped from full buffers`,
    `refused ${n(figures.refusedDevices)} devices (${n(figures.refused)} messages)`,
  ].join(', ');
