import { type Context, type Shape, word } from '../context.ts';
import { parses, withRaw } from '../json-text.ts';
import { DEEP_NESTING } from '../limits.ts';
import { numberFields, stringFields, template } from './template.ts';

// Records spoiled in their JSON: broken text, a value that is no object, deep nesting, non-finite numbers.

export const invalidJsonRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const text = JSON.stringify(template(ctx));
  const variants: (() => string)[] = [
    () => text.slice(0, r.int(1, text.length - 1)), // cut short
    () => text.replaceAll('"', "'"),
    () => `${text.slice(0, -1)},}`, // trailing comma
    () => `// event\n${text}`,
    () => `${text}${text}`,
    () => `${text}\n${text}`, // NDJSON is not one document
    () => `\uFEFF${text}`, // a byte-order mark
    () => text.replace(/"(\w+)":/, '$1:'), // an unquoted key
    () => text.replace(/"eventTime":"/, '"eventTime":"\n'), // a raw newline inside a string
    () => text.replace(/"eventTime":"/, '"eventTime":"\t\u0001'), // raw controls inside a string
    () => text.replace(/"version":\d+/, '"version":01'),
    () => text.replace(/"version":\d+/, '"version":+1'),
    () => text.replace(/"version":\d+/, '"version":0x1'),
    () => text.replace(/"version":\d+/, '"version":1.'),
    () => text.replace(/"version":\d+/, '"version":.5'),
    () => text.replace(/"version":\d+/, '"version":undefined'),
    () => text.replace(/"schema":"/, '"schema":"\\x41'), // an escape JSON does not have
    () => text.replace(/"schema":"/, '"schema":"\\u12'),
    () => text.slice(0, -1), // no closing brace
    () => `{${text}}`,
    () =>
      r.pick(['', ' ', '\n', '{', '}', '[', ']', '"', '{"', '[1,]', '{"a"}', '{"a":}', 'nul', 'tru', '-']),
    () => {
      // JSON-ish noise
      const alphabet = '{}[]":,0123456789abcdefnrtu\\ .-+eE';
      let noise = '';
      for (let i = r.int(1, 200); i > 0; i--) noise += alphabet[r.int(0, alphabet.length - 1)];
      return noise;
    },
  ];
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = r.pick(variants)();
    if (!parses(candidate)) return candidate;
  }
  return `{${text}`;
};

export const notAnObjectRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  return r.pick<() => string>([
    () => '[]',
    () => JSON.stringify([event]),
    () => JSON.stringify([event, event]),
    () => 'null',
    () => 'true',
    () => 'false',
    () => '0',
    () => String(r.int(-1e6, 1e6)),
    () => '-1.5e3',
    () => '1e400', // JSON.parse gives Infinity
    () => '-1e400',
    () => '""',
    () => JSON.stringify(word(r, 1, 100)),
    () => JSON.stringify(JSON.stringify(event)), // double-encoded
    () => ` \n\t${JSON.stringify([[[]]])} `,
    () => JSON.stringify(Object.values(event)),
  ])();
};

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
export const deepNestingRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  return r.pick<() => string>([
    () => deepArrays(DEEP_NESTING),
    () => deepArrays(32_000), // the deepest array nesting under the size limit
    () => withRaw(event, 'nest', deepArrays(DEEP_NESTING)),
    () => withRaw(event, r.pick(stringFields(event)), deepArrays(DEEP_NESTING)),
    () => withRaw(event, 'schema', deepArrays(DEEP_NESTING)),
    () => withRaw(event, 'version', deepArrays(DEEP_NESTING)),
    () => `${'{"a":'.repeat(10_000)}0${'}'.repeat(10_000)}`, // objects, 60 KB
    () => withRaw(event, 'nest', `${'{"a":'.repeat(10_000)}0${'}'.repeat(10_000)}`),
    () => `${'['.repeat(DEEP_NESTING)}${']'.repeat(DEEP_NESTING - 1)}`, // unbalanced
  ])();
};

export const nonFiniteRecord = (ctx: Context): Shape => {
  const { r } = ctx;
  const event = template(ctx);
  const literal = r.pick(['1e400', '-1e400', '1e309', '-9e999', '123e456']);
  // A status change has no number: its optional string field takes the number instead.
  const numeric = numberFields(event).length > 0 ? numberFields(event) : ['firmware'];
  return r.pick<() => string>([
    () => withRaw(event, r.pick(numeric), literal),
    () => withRaw(event, r.pick(numeric), literal),
    () => withRaw(event, 'version', literal),
    () =>
      withRaw(event, r.pick([...numeric, 'version']), r.pick(['NaN', 'Infinity', '-Infinity', '+Infinity'])),
    () => withRaw(event, r.pick(numeric), `[${literal}]`),
  ])();
};
