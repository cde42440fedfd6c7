// What the device edge costs on AWS IoT Core per million events, and how batching events into one message moves it.

/**
 * AWS IoT Core, us-east-1 (https://aws.amazon.com/iot-core/pricing/, read 2026-12-02, as D25 records it): messaging
 * for the first billion messages a month, the rules engine per rule triggered and per action executed, each metered
 * in 5 KB units of payload + topic; connectivity per million connection-minutes.
 */
export const IOT_PRICES = {
  messagingPerMillion: 1.0,
  rulesPerMillion: 0.15,
  actionsPerMillion: 0.15,
  connectionMinutesPerMillion: 0.08,
  meteredUnitBytes: 5 * 1024,
  source: 'AWS IoT Core pricing page, us-east-1, read 2026-12-02',
} as const;

/** What one million events cost, part by part, when each message carries `eventsPerMessage` of them. */
export interface DeviceEdgeCost {
  readonly eventsPerMessage: number;
  readonly messageBytes: number;
  /** 5 KB units one message is metered as: a message of 6 KB pays twice. */
  readonly unitsPerMessage: number;
  readonly messaging: number;
  readonly rules: number;
  readonly actions: number;
  readonly total: number;
}

/**
 * Dollars per million events for messages of `eventsPerMessage` events of `eventBytes` each (a JSON array when more
 * than one: brackets and commas) on a topic of `topicBytes`; the rule triggers once and its Kinesis action runs once
 * per message, whatever it holds.
 */
export const deviceEdgeCost = (
  eventBytes: number,
  eventsPerMessage: number,
  topicBytes: number,
): DeviceEdgeCost => {
  if (!Number.isInteger(eventsPerMessage) || eventsPerMessage < 1) {
    throw new RangeError(`eventsPerMessage must be a whole number of at least 1 (given ${eventsPerMessage})`);
  }
  const framing = eventsPerMessage > 1 ? eventsPerMessage + 1 : 0;
  const messageBytes = eventsPerMessage * eventBytes + framing + topicBytes;
  const unitsPerMessage = Math.max(1, Math.ceil(messageBytes / IOT_PRICES.meteredUnitBytes));
  const perEvent = (dollarsPerMillion: number) => (dollarsPerMillion * unitsPerMessage) / eventsPerMessage;
  const messaging = perEvent(IOT_PRICES.messagingPerMillion);
  const rules = perEvent(IOT_PRICES.rulesPerMillion);
  const actions = perEvent(IOT_PRICES.actionsPerMillion);
  return {
    eventsPerMessage,
    messageBytes,
    unitsPerMessage,
    messaging,
    rules,
    actions,
    total: messaging + rules + actions,
  };
};

/** The most events one 5 KB unit holds, with the topic and the array's framing. */
export const eventsPerUnit = (eventBytes: number, topicBytes: number): number =>
  Math.max(1, Math.floor((IOT_PRICES.meteredUnitBytes - topicBytes - 1) / (eventBytes + 1)));

/** Connectivity per million events for an always-connected device sending `eventsPerSecond`. */
export const connectivityPerMillionEvents = (eventsPerSecond: number): number =>
  IOT_PRICES.connectionMinutesPerMillion / (60 * eventsPerSecond);

const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const usd = (x: number, digits = 3) => `$${x.toFixed(digits)}`;

/** The cost table the bench prints, for a telemetry event of `eventBytes` on a topic of `topicBytes`. */
export const deviceCostLines = (eventBytes: number, topicBytes: number): string[] => {
  const perUnit = eventsPerUnit(eventBytes, topicBytes);
  const rows = [1, 5, 10, perUnit, perUnit + 1].map((events) =>
    deviceEdgeCost(eventBytes, events, topicBytes),
  );
  return [
    `IoT Core cost per million events (${IOT_PRICES.source}: messaging ${usd(IOT_PRICES.messagingPerMillion, 2)}/M, rules ${usd(IOT_PRICES.rulesPerMillion, 2)}/M, actions ${usd(IOT_PRICES.actionsPerMillion, 2)}/M, each per 5 KB unit); telemetry event ${n(eventBytes)} bytes, topic ${topicBytes} bytes:`,
    ...rows.map(
      (c) =>
        `  ${String(c.eventsPerMessage).padStart(3)} events/message (${n(c.messageBytes)} B, ${c.unitsPerMessage} unit${c.unitsPerMessage > 1 ? 's' : ''}): messaging ${usd(c.messaging)} + rules ${usd(c.rules)} + actions ${usd(c.actions)} = ${usd(c.total)} per million events`,
    ),
    `  connectivity (${usd(IOT_PRICES.connectionMinutesPerMillion, 2)}/M connection-minutes) of an always-connected device at 1 event/s: ${usd(connectivityPerMillionEvents(1), 4)} per million events`,
  ];
};
