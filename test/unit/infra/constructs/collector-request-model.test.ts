import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import {
  eventBatchSchema,
  MAX_EVENTS_PER_REQUEST,
} from '../../../../infra/constructs/collector/request-model.ts';
import { EDGE_FIELD, envelopeFields } from '../../../../schemas/index.ts';

/** The model as CloudFormation receives it: CDK's JsonSchema with `schema` spelled `$schema`. */
const asDeployed = () => {
  const { schema: _version, ...rest } = eventBatchSchema();
  return { $schema: 'http://json-schema.org/draft-04/schema#', ...rest };
};

// A draft-4 validator, as API Gateway's models are draft 4 (the class is the CommonJS module's default).
const validate = new AjvDraft04.default({ allErrors: true, strict: false }).compile(asDeployed());

const event = (n: number, extra: Record<string, unknown> = {}) => ({
  schema: 'clickstream.click',
  version: 1,
  eventId: `0190d2c4-1f2e-7a3b-8c4d-${String(n).padStart(12, '0')}`,
  eventTime: '2026-11-22T05:06:07.123Z',
  sessionId: 's-1',
  page: '/',
  element: 'buy',
  ...extra,
});

describe('the collector request model', () => {
  it('requires exactly the envelope fields of the contracts, taken from schemas/envelope.ts', () => {
    // Act
    const items = eventBatchSchema().items as { required: string[] };

    // Assess
    expect(items.required).toEqual(Object.keys(envelopeFields('any.any', 1)));
    expect(items.required).toEqual(['schema', 'version', 'eventId', 'eventTime']);
  });

  it.each([
    ['a JSON array', [event(1), event(2)]],
    ['an object with events', { events: [event(1)] }],
    ['events of any contract and version', [{ ...event(1), schema: 'telemetry.reading', version: 7 }]],
    ['a device event without a session', [{ ...event(1), sessionId: undefined, deviceId: 'd-1' }]],
    ['the largest batch', Array.from({ length: MAX_EVENTS_PER_REQUEST }, (_, n) => event(n))],
  ])('accepts %s', (_, body) => {
    // Act
    const valid = validate(JSON.parse(JSON.stringify(body)));

    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    ['an empty batch', []],
    ['an object without events', { batch: [event(1)] }],
    ['a batch of 501', Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, (_, n) => event(n))],
    ['a string', 'hello'],
    ['an event without eventTime', [{ ...event(1), eventTime: undefined }]],
    ['an eventId that is not a UUID', [event(1, { eventId: 'not-a-uuid' })]],
    ['an eventTime with an offset', [event(1, { eventTime: '2026-11-22T05:06:07+01:00' })]],
    ['a version that is not whole', [event(1, { version: 1.5 })]],
    ['an empty sessionId (no partition key)', [event(1, { sessionId: '' })]],
    ['a deviceId longer than a partition key may be', [event(1, { deviceId: 'd'.repeat(257) })]],
    ['an event carrying its own edge context', [event(1, { [EDGE_FIELD]: { sourceIp: '10.0.0.1' } })]],
  ])('refuses %s', (_, body) => {
    // Act
    const valid = validate(JSON.parse(JSON.stringify(body)));

    // Assess
    expect(valid).toBe(false);
  });
});
