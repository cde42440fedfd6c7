import { type Static, Type } from '@sinclair/typebox';
import { contractSchema } from './envelope.ts';

/** Device identity: every telemetry event names the device that measured it. */
const identity = { deviceId: Type.String({ minLength: 1, maxLength: 64 }) };

export const ReadingV1 = contractSchema(
  { dataset: 'telemetry', type: 'reading', version: 1 },
  {
    ...identity,
    temperature: Type.Number({ minimum: -100, maximum: 200 }),
    humidity: Type.Number({ minimum: 0, maximum: 100 }),
    battery: Type.Number({ minimum: 0, maximum: 100 }),
    status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('fault')]),
  },
);
export const StatusChangeV1 = contractSchema(
  { dataset: 'telemetry', type: 'status_change', version: 1 },
  {
    ...identity,
    from: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    to: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    firmware: Type.Optional(Type.String({ maxLength: 32 })),
  },
);

export type Reading = Static<typeof ReadingV1>;
export type StatusChange = Static<typeof StatusChangeV1>;
export type TelemetryEvent = Reading | StatusChange;
