import { type ProducedRecord, recordOf } from '../../../producers/source.ts';
import type { Reading } from '../../../schemas/index.ts';

let nextId = 0;

/** One reading of `deviceId` as the simulators produce it, with a fresh deterministic event id. */
export const reading = (deviceId: string): ProducedRecord => {
  const event: Reading = {
    schema: 'telemetry.reading',
    version: 1,
    eventId: `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`,
    eventTime: '2026-03-01T12:00:00.000Z',
    deviceId,
    temperature: 21.5,
    humidity: 40,
    battery: 80,
    status: 'ok',
  };
  return recordOf(event);
};

export const readings = (deviceId: string, count: number): ProducedRecord[] =>
  Array.from({ length: count }, () => reading(deviceId));

export const eventIdOf = (record: ProducedRecord) => record.event?.eventId;
