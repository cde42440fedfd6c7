import { IOT_BILLING_UNIT_BYTES, IOT_MAX_PAYLOAD_BYTES } from '../infra/constructs/device-edge/iot-limits.ts';
import { BATCH_EVENTS_FIELD, MAX_BATCH_EVENTS } from '../schemas/index.ts';

/**
 * How a device packs its events into MQTT messages, as the tracker packs requests (tracker/src/emitter.ts): a
 * message goes once it holds `maxEvents` events or the next event would take it past `maxBytes`, or its oldest
 * event has waited `maxDelayMs`, or on flush. Each message is one QoS 1 PUBLISH, acknowledged (or lost, or
 * resent) as a whole, and one Kinesis record once the topic rule has added its `edge` (docs/decisions.md, D36).
 */
export interface MessageBatching {
  /** Events per message, 1 to MAX_BATCH_EVENTS; 1 sends each event bare, as before batches. */
  readonly maxEvents: number;
  /** Payload bytes a message grows to at most; an event larger on its own still goes, alone. */
  readonly maxBytes: number;
  /** How long the oldest waiting event waits for its message to fill; 0 sends whatever waits. */
  readonly maxDelayMs: number;
}

/**
 * Kept out of the billing unit for the payload: the topic IoT Core meters with it (93 bytes with a 64-character
 * device id) and the `edge` the rule adds before its Kinesis action (≤ 285 bytes), so the message, the rule
 * triggered and the action executed each stay within one 5 KB unit.
 */
const BILLING_RESERVE_BYTES = 512;

/**
 * The default payload bound: one IoT Core billing unit less the reserve, 4,608 bytes — 20 of the simulator's
 * readings (212–225 bytes each, measured), where one event a message paid for a unit each.
 */
export const DEFAULT_MESSAGE_BYTES = IOT_BILLING_UNIT_BYTES - BILLING_RESERVE_BYTES;

/**
 * The default wait for a message to fill: short beside what an alert already waits (the aggregate's 5 s batching
 * window, then whole minutes of rollups), long enough to fill ≈ 12 events a message at the demo's 6 events/s a
 * device.
 */
export const DEFAULT_MAX_DELAY_MS = 2_000;

/** A device waiting longer than this would look silent to the silent-device check (5 min) while it waits. */
export const MAX_MESSAGE_DELAY_MS = 300_000;

export const DEFAULT_BATCHING: MessageBatching = {
  maxEvents: MAX_BATCH_EVENTS,
  maxBytes: DEFAULT_MESSAGE_BYTES,
  maxDelayMs: DEFAULT_MAX_DELAY_MS,
};

const OPEN = Buffer.from(`{"${BATCH_EVENTS_FIELD}":[`);
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

/** A batch message's bytes beyond its events' own and the commas between them: `{"events":[` and `]}`. */
export const BATCH_FRAME_BYTES = OPEN.length + CLOSE.length;

/** The payload bytes of a message of `count` events of `eventBytes` bytes in all. */
export const messageBytes = (batching: MessageBatching, count: number, eventBytes: number): number =>
  batching.maxEvents === 1 ? eventBytes : BATCH_FRAME_BYTES + eventBytes + count - 1;

/** Whether one event alone makes a message larger than IoT Core takes: it can never be sent. */
export const tooLargeAlone = (batching: MessageBatching, eventBytes: number): boolean =>
  messageBytes(batching, 1, eventBytes) > IOT_MAX_PAYLOAD_BYTES;

/**
 * A message's payload: the event as it is when messages carry one each, else `{"events":[…]}` holding each
 * event's JSON as it is.
 */
export const messagePayload = (batching: MessageBatching, events: readonly Uint8Array[]): Buffer => {
  if (batching.maxEvents === 1 && events.length === 1) return Buffer.from(events[0] as Uint8Array);
  const parts: Uint8Array[] = [OPEN];
  for (const [i, event] of events.entries()) parts.push(...(i > 0 ? [COMMA, event] : [event]));
  parts.push(CLOSE);
  return Buffer.concat(parts);
};

/** How many of the first waiting events the next message takes, and whether it is full. */
export interface MessageCut {
  /** At least 1 when any event waits: an event over maxBytes on its own goes alone. */
  readonly count: number;
  /** No further event could join it: it goes now, whatever the delay. */
  readonly full: boolean;
}

/** Cuts the next message from the waiting events, in order, by their JSON's `bytes`. */
export const cutMessage = (
  batching: MessageBatching,
  waiting: readonly { readonly bytes: number }[],
): MessageCut => {
  let count = 0;
  let eventBytes = 0;
  for (const { bytes: size } of waiting) {
    if (count === batching.maxEvents) break;
    if (count > 0 && messageBytes(batching, count + 1, eventBytes + size) > batching.maxBytes) break;
    count++;
    eventBytes += size;
  }
  const full =
    count > 0 &&
    (count < waiting.length ||
      count === batching.maxEvents ||
      messageBytes(batching, count, eventBytes) >= batching.maxBytes);
  return { count, full };
};

const checkInteger = (name: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer between ${min} and ${max} inclusive (given ${value})`);
  }
};

/** The batching asked for, over the defaults, each value checked and named when out of range. */
export const messageBatchingOf = (given: {
  readonly eventsPerMessage?: number;
  readonly maxMessageBytes?: number;
  readonly maxDelayMs?: number;
}): MessageBatching => {
  const batching = {
    maxEvents: given.eventsPerMessage ?? DEFAULT_BATCHING.maxEvents,
    maxBytes: given.maxMessageBytes ?? DEFAULT_BATCHING.maxBytes,
    maxDelayMs: given.maxDelayMs ?? DEFAULT_BATCHING.maxDelayMs,
  };
  checkInteger('eventsPerMessage', batching.maxEvents, 1, MAX_BATCH_EVENTS);
  checkInteger('maxMessageBytes', batching.maxBytes, 1, IOT_MAX_PAYLOAD_BYTES);
  checkInteger('maxDelayMs', batching.maxDelayMs, 0, MAX_MESSAGE_DELAY_MS);
  return batching;
};
