import { IOT_MAX_PAYLOAD_BYTES } from '../infra/constructs/device-edge/iot-limits.ts';
import { MAX_BATCH_EVENTS } from '../schemas/index.ts';
import { numberOption } from './cli-options.ts';
import { DEFAULT_MAX_DELAY_MS, DEFAULT_MESSAGE_BYTES, MAX_MESSAGE_DELAY_MS } from './mqtt-device-batch.ts';
import type { MqttDeviceWriterOptions } from './mqtt-device-writer.ts';

/** How devices pack events into messages, as given on a command line; the writer's defaults fill the rest. */
export type DeviceBatchSettings = Pick<
  MqttDeviceWriterOptions<never>,
  'eventsPerMessage' | 'maxMessageBytes' | 'maxDelayMs'
>;

/**
 * The batching options `npm run device` reads as they are and `npm start` with a `device-` prefix, declared once
 * with their help: each a string option with its placeholder.
 */
export const DEVICE_BATCH_OPTIONS = {
  'events-per-message': {
    type: 'string',
    value: 'N',
    help: `events a device publishes in one MQTT message, 1 to ${MAX_BATCH_EVENTS}; 1 sends each event bare
(default ${MAX_BATCH_EVENTS}: as many as fit the message bytes)`,
  },
  'message-bytes': {
    type: 'string',
    value: 'B',
    help: `payload bytes of one message at most, 1 to ${IOT_MAX_PAYLOAD_BYTES} (default ${DEFAULT_MESSAGE_BYTES}: one 5 KB
IoT Core billing unit with the topic and the rule's edge)`,
  },
  'max-delay': {
    type: 'string',
    value: 'MS',
    help: `how long an event waits for its message to fill, 0 to ${MAX_MESSAGE_DELAY_MS} ms (default ${DEFAULT_MAX_DELAY_MS})`,
  },
} as const;

/** Reads the batching options given (`--<prefix>events-per-message` …), each checked and named when wrong. */
export const deviceBatchSettings = (
  text: (name: string) => string | undefined,
  prefix = '',
): DeviceBatchSettings => {
  const read = (name: keyof typeof DEVICE_BATCH_OPTIONS, min: number, max: number) => {
    const given = text(`${prefix}${name}`);
    return given === undefined ? undefined : numberOption(`--${prefix}${name}`, given, 0, min, max, true);
  };
  const eventsPerMessage = read('events-per-message', 1, MAX_BATCH_EVENTS);
  const maxMessageBytes = read('message-bytes', 1, IOT_MAX_PAYLOAD_BYTES);
  const maxDelayMs = read('max-delay', 0, MAX_MESSAGE_DELAY_MS);
  return {
    ...(eventsPerMessage === undefined ? {} : { eventsPerMessage }),
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
    ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
  };
};
