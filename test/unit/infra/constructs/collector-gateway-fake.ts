import { Compile, parse } from 'velocityjs';

/**
 * Just enough of API Gateway's mapping-template variables ($input, $util, $context) to render the
 * collector's templates with velocityjs, no network: what they read, behaving as AWS documents it.
 */
export interface FakeRequest {
  /** The raw body, as `$input.body`; `$input.path` and `$input.json` read it as JSON. */
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly requestId?: string;
  /** Milliseconds since the epoch; requestTime is derived from it, in UTC, as API Gateway formats it. */
  readonly requestTimeEpoch?: number;
}

export interface Rendered {
  readonly output: string;
  /** `$context.responseOverride.status`, when the template set it. */
  readonly status: number | undefined;
  /** `$context.responseOverride.header.*` the template set. */
  readonly headers: Readonly<Record<string, string>>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `dd/MMM/yyyy:HH:mm:ss +0000`, the CLF time of `$context.requestTime`. */
export const clfTime = (epochMs: number): string => {
  const d = new Date(epochMs);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
};

/** `$.a.b[3].c` → ['a', 'b', 3, 'c'], the JSONPath subset the templates use. */
const stepsOf = (path: string): (string | number)[] => {
  if (!path.startsWith('$')) throw new Error(`JSONPath must start with $ (given ${path})`);
  return [...path.slice(1).matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) =>
    m[1] !== undefined ? m[1] : Number(m[2]),
  );
};

const at = (root: unknown, path: string): unknown =>
  stepsOf(path).reduce<unknown>(
    (value, step) =>
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[step] : undefined,
    root,
  );

/** commons-lang StringEscapeUtils.escapeJavaScript, which API Gateway's `$util.escapeJavaScript` is. */
export const escapeJavaScript = (text: string): string => {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const units = code > 0xffff ? [...char].map((c) => c.charCodeAt(0)) : [code];
    const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
    if (code < 32) out += short[code] ?? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (code > 0x7f)
      out += units.map((u) => `\\u${u.toString(16).toUpperCase().padStart(4, '0')}`).join('');
    else if (char === "'" || char === '"' || char === '\\' || char === '/') out += `\\${char}`;
    else out += char;
  }
  return out;
};

/** java.lang.String's `length()`, which JavaScript has as a property; the templates' other calls behave alike. */
const JAVA_STRING_METHODS = [
  {
    uid: 'java: String.length()',
    match: ({ property, context }: { property: string; context: unknown }) =>
      property === 'length' && typeof context === 'string',
    resolve: ({ context }: { context: string }) => context.length,
  },
];

/** Renders `template` against `request` (an integration request) or a Kinesis answer (an integration response). */
export function renderTemplate(template: string, request: FakeRequest, integrationBody?: string): Rendered {
  const payload = integrationBody ?? request.body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = undefined;
  }
  const epoch = request.requestTimeEpoch ?? Date.UTC(2026, 10, 22, 5, 6, 7, 123);
  const responseOverride = { header: {} as Record<string, string>, status: undefined as number | undefined };
  const context = {
    input: {
      body: payload,
      path: (path: string) => at(parsed, path),
      json: (path: string) => JSON.stringify(at(parsed, path)),
      params: () => ({ header: { ...request.headers }, path: {}, querystring: {} }),
    },
    util: {
      escapeJavaScript,
      base64Encode: (text: string) => Buffer.from(text, 'utf8').toString('base64'),
    },
    context: {
      requestId: request.requestId ?? 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: clfTime(epoch),
      requestTimeEpoch: epoch,
      identity: { sourceIp: request.sourceIp ?? '203.0.113.77', userAgent: request.userAgent ?? '' },
      responseOverride,
    },
  };
  const output = new Compile(parse(template), { customMethodHandlers: JAVA_STRING_METHODS }).render(context);
  return { output, status: responseOverride.status, headers: { ...responseOverride.header } };
}
