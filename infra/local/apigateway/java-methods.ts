/**
 * Java methods mapping templates call on the values API Gateway hands them (java.lang.String, java.util.Map and
 * List), for velocityjs, which would otherwise call JavaScript's methods of the same name or find none: JS has
 * no `contains`, `equals` or `isEmpty`, its `length` is no method, its `replace` replaces only the first match
 * and its `replaceAll` with a string is not a regex, and velocityjs's own `get` also tries the key with its first
 * letter's case swapped (a Java map's `get` does not).
 */

type Payload = { property: string; context: unknown; params: unknown[] };
type Handler = (self: never, ...params: never[]) => unknown;

/** Java's regex replacement `$1`/`\$` in JavaScript's syntax (`$1`/`$$`). */
const jsReplacement = (java: string): string =>
  java.replace(/\\\$|\\\\|\$(\d)/g, (m, group) => (group ? `$${group}` : m === '\\$' ? '$$' : '\\'));

const wholeMatch = (pattern: string) => new RegExp(`^(?:${pattern})$`);

/** Java's `split(regex, limit)`: at most `limit` parts when positive; trailing empty parts dropped when 0, kept when negative. */
const javaSplit = (s: string, regex: string, limit: number): string[] => {
  const parts = s.split(new RegExp(regex));
  if (limit > 0 && parts.length > limit) {
    // The last part is the rest of the string, separators included: re-split with a bounded count.
    const pattern = new RegExp(regex, 'g');
    let cut = 0;
    for (let i = 1; i < limit; i++) {
      const match = pattern.exec(s);
      if (!match) break;
      cut = pattern.lastIndex;
    }
    return [...parts.slice(0, limit - 1), s.slice(cut)];
  }
  if (limit === 0) while (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts;
};

const STRING_METHODS: Record<string, Handler> = {
  contains: (s: string, part: unknown) => s.includes(String(part)),
  equals: (s: string, other: unknown) => s === other,
  equalsIgnoreCase: (s: string, other: unknown) =>
    typeof other === 'string' && s.toLowerCase() === other.toLowerCase(),
  isEmpty: (s: string) => s.length === 0,
  length: (s: string) => s.length,
  matches: (s: string, regex: unknown) => wholeMatch(String(regex)).test(s),
  replace: (s: string, target: unknown, replacement: unknown) =>
    s.split(String(target)).join(String(replacement)),
  replaceAll: (s: string, regex: unknown, replacement: unknown) =>
    s.replace(new RegExp(String(regex), 'g'), jsReplacement(String(replacement))),
  replaceFirst: (s: string, regex: unknown, replacement: unknown) =>
    s.replace(new RegExp(String(regex)), jsReplacement(String(replacement))),
  split: (s: string, regex: unknown, limit: unknown = 0) => javaSplit(s, String(regex), Number(limit)),
  charAt: (s: string, index: number) => s.charAt(index),
  compareTo: (s: string, other: unknown) => (s < String(other) ? -1 : s > String(other) ? 1 : 0),
  toString: (s: string) => s,
};

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const MAP_METHODS: Record<string, Handler> = {
  get: (map: Record<string, unknown>, key: unknown) =>
    Object.hasOwn(map, String(key)) ? map[String(key)] : null,
  containsKey: (map: Record<string, unknown>, key: unknown) => Object.hasOwn(map, String(key)),
  isEmpty: (map: Record<string, unknown>) => Object.keys(map).length === 0,
  values: (map: Record<string, unknown>) => Object.values(map),
};

const LIST_METHODS: Record<string, Handler> = {
  contains: (list: unknown[], item: unknown) => list.includes(item),
  isEmpty: (list: unknown[]) => list.length === 0,
  get: (list: unknown[], index: number) => list[index] ?? null,
};

const methodsFor = (value: unknown): Record<string, Handler> | undefined => {
  if (typeof value === 'string') return STRING_METHODS;
  if (Array.isArray(value)) return LIST_METHODS;
  return isMap(value) ? MAP_METHODS : undefined;
};

/**
 * The handlers, in velocityjs's `customMethodHandlers` form. A map's own function of the same name (the `$input`
 * and `$util` objects are maps of functions) wins over the Java method.
 */
export const javaMethodHandlers = [
  {
    uid: 'api-gateway: java methods',
    match: ({ property, context }: Payload) => {
      const methods = methodsFor(context);
      if (!methods || !Object.hasOwn(methods, property)) return false;
      return !(isMap(context) && typeof context[property] === 'function');
    },
    resolve: ({ property, context, params }: Payload) =>
      (methodsFor(context)?.[property] as (self: unknown, ...args: unknown[]) => unknown)(context, ...params),
  },
];
