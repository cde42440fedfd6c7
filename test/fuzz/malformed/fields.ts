import type { Context, Shape } from '../context.ts';
import { withTrailingMember } from '../json-text.ts';
import { ENVELOPE, type Event, OPTIONAL, template } from './template.ts';

// Records whose fields break their contract: of the wrong type, left out, or unknown to it.

const WRONG: Readonly<Record<string, readonly unknown[]>> = {
  eventId: [123, null, 'not-a-uuid', '', ['id'], {}, 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE', '{id}'],
  eventTime: [1_764_000_000_000, null, true, {}, [], ''],
  sessionId: [5, '', true, null, 's'.repeat(65)],
  page: [42, 'no-slash', '', ['/'], {}, `/${'p'.repeat(512)}`, null],
  referrer: [1, 'r'.repeat(2049), false],
  durationMs: [-5, 1.5, 86_400_001, '100', null],
  element: ['', 7, 'e'.repeat(129)],
  productId: ['', 3, 'q'.repeat(65)],
  quantity: [0, 1.5, 1001, '1', -1],
  price: [-0.01, 1_000_001, '9.5', null],
  orderId: ['', 99, {}],
  items: [0, 1.5, 1001, '2', []],
  revenue: [-1, 1_000_001, '9.99', null, true],
  currency: ['eur', 'EURO', 'E', 12, ''],
  errorType: ['', 5, 'x'.repeat(65)],
  message: [1, 'm'.repeat(1025), null],
  deviceId: [7, '', null, 'd'.repeat(65), ['d']],
  temperature: ['21.5', null, true, 200.0001, -100.5, [], 1e6],
  humidity: [-0.1, 100.1, '50', {}],
  battery: [-1, 101, {}, '90'],
  status: ['OK', 'broken', 1, null, ''],
  from: ['unknown', 1, ''],
  to: ['', true, 'Offline'],
  firmware: ['f'.repeat(33), 1],
};
export const wrongTypesRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const field = r.pick(Object.keys(event).filter((k) => !ENVELOPE.has(k) && k in WRONG));
  return JSON.stringify({ ...event, [field]: r.pick(WRONG[field] as unknown[]) });
};

export const missingFieldsRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const required = Object.keys(event).filter((k) => !ENVELOPE.has(k) && !OPTIONAL.has(k));
  const drop = new Set(
    r.chance(0.1) ? required : [r.pick(required), ...(r.chance(0.3) ? [r.pick(required)] : [])],
  );
  return JSON.stringify(Object.fromEntries(Object.entries(event).filter(([k]) => !drop.has(k))));
};

const EXTRA_KEYS = [
  'extra',
  'Page',
  'EventTime',
  '',
  ' ',
  'event_id',
  'páge',
  'userID',
  'schema ',
  '0',
  'null',
  'x'.repeat(100),
];
export const extraFieldsRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const variant = r.int(0, 3);
  if (variant === 0) {
    // A field of another contract.
    const foreign: Event = String(event.schema).startsWith('telemetry')
      ? { page: '/x', sessionId: 's-1', referrer: '' }
      : {
          temperature: 20,
          deviceId: 'd-1',
          firmware: '1.0',
          ...(event.version === 2 ? {} : { durationMs: 5 }),
        };
    const key = r.pick(Object.keys(foreign).filter((k) => !(k in event)));
    return JSON.stringify({ ...event, [key]: foreign[key] });
  }
  if (variant === 1) {
    // A duplicated key whose last value breaks the contract (JSON.parse keeps the last).
    const field = r.pick(Object.keys(event).filter((k) => !ENVELOPE.has(k) && k in WRONG));
    return withTrailingMember(event, field, JSON.stringify(r.pick(WRONG[field] as unknown[])) ?? 'null');
  }
  const extra: Event = {};
  for (let i = r.int(1, 3); i > 0; i--) extra[r.pick(EXTRA_KEYS)] = r.pick([1, 'x', null, true, [], {}]);
  return JSON.stringify({ ...event, ...extra });
};
