import type { Context, Shape } from '../context.ts';
import { withLeadingMember, withRaw, withTrailingMember } from '../json-text.ts';
import { stringFields, template } from './template.ts';

// Records that play with keys and the envelope: prototype names, and schemas or versions no contract has.

const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
export const protoKeysRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const text = JSON.stringify(event);
  return r.pick<() => string>([
    () => withLeadingMember(event, '__proto__', '{"polluted":true,"schema":"x"}'),
    () => withTrailingMember(event, '__proto__', '{"polluted":true}'),
    () => withTrailingMember(event, '__proto__', 'null'),
    () => withTrailingMember(event, 'constructor', '{"prototype":{"polluted":true}}'),
    () => withTrailingMember(event, r.pick(PROTO_NAMES), r.pick(['1', '"x"', '{}', 'null'])),
    () => `{"__proto__":${text}}`, // the event one level down: no own schema
    () => `{"constructor":${text}}`,
    () => JSON.stringify({ ...event, schema: r.pick(PROTO_NAMES) }),
    () => JSON.stringify({ ...event, version: r.pick(PROTO_NAMES) }),
    () => withRaw(event, r.pick(stringFields(event)), '{"__proto__":"/x"}'),
  ])();
};

const UNKNOWN_SCHEMAS: readonly unknown[] = [
  'clickstream.nope',
  'clickstream.scroll',
  'telemetry.heartbeat',
  'clickstream',
  'telemetry',
  '',
  'CLICKSTREAM.PAGE_VIEW',
  'clickstream.page_view ',
  ' telemetry.reading',
  'clickstream.page-view',
  'clickstream..page_view',
  'telemetry.reading.v1',
  'web.page_view',
  'clickstream.page_view/v1',
  'x'.repeat(300),
  null,
  1,
  true,
  {},
  ['clickstream.page_view'],
];
const UNKNOWN_VERSIONS: readonly unknown[] = [
  0,
  3,
  -1,
  1.5,
  99,
  '1',
  '2',
  null,
  true,
  [1],
  {},
  2 ** 53,
  1e21,
];
export const unknownSchemaRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const variant = r.int(0, 4);
  if (variant === 0) return JSON.stringify({ ...event, schema: r.pick(UNKNOWN_SCHEMAS) });
  if (variant <= 2) {
    // A version no contract of this schema has (page views have 1 and 2; the others only 1).
    const known = event.schema === 'clickstream.page_view' ? [1, 2] : [1];
    const version = r.pick(UNKNOWN_VERSIONS.concat(event.schema === 'clickstream.page_view' ? [] : [2]));
    return JSON.stringify({ ...event, version: known.includes(version as number) ? 3 : version });
  }
  const { schema: _schema, version: _version, ...rest } = event;
  return JSON.stringify(
    r.pick([rest, { ...rest, version: event.version }, { ...rest, schema: event.schema }]),
  );
};
