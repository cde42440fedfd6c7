import { compileDatePattern, type DateFormat } from './java-date-format.ts';
import type { ZonedFields } from './zoned-time.ts';

/** What `!{firehose:error-output-type}` evaluates to, by the failure that sent records to the error prefix. */
export type ErrorOutputType = 'processing-failed' | 'format-conversion-failed';

/** A prefix split into literal text and the expressions Firehose evaluates at delivery. */
export type PrefixPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'timestamp'; readonly format: DateFormat }
  | { readonly kind: 'error-output-type' }
  | { readonly kind: 'random-string' };

/** A destination's two prefixes, checked against Firehose's rules and ready to evaluate. */
export interface DestinationPrefixes {
  readonly data: readonly PrefixPart[];
  readonly error: readonly PrefixPart[];
}

/** What Firehose appends to a Prefix without a timestamp expression (and uses when there is no Prefix). */
export const DEFAULT_TIME_PREFIX = '!{timestamp:yyyy/MM/dd/HH/}';

/** Neither prefix may be longer than this once evaluated. */
export const MAX_EVALUATED_PREFIX = 512;

/** The end of the expression opened at `open` (`!{`): its `}`, skipping quoted text of a timestamp pattern. */
const closingBrace = (declared: string, open: number): number => {
  let quoted = false;
  for (let i = open + 2; i < declared.length; i++) {
    const c = declared[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '}') return i;
    else if (!quoted && declared.startsWith('!{', i)) {
      throw new Error(`an expression cannot be nested (the one at character ${open + 1} holds another)`);
    }
  }
  throw new Error(`the expression at character ${open + 1} has no closing }`);
};

/** One `!{namespace:value}` expression's part. */
const expressionOf = (namespace: string, value: string): PrefixPart => {
  switch (namespace) {
    case 'timestamp':
      try {
        return { kind: 'timestamp', format: compileDatePattern(value) };
      } catch (error) {
        throw new Error(`!{timestamp:${value}}: ${(error as Error).message}`);
      }
    case 'firehose':
      if (value === 'error-output-type' || value === 'random-string') return { kind: value };
      throw new Error(
        `!{firehose:${value}}: the firehose namespace has error-output-type and random-string only`,
      );
    case 'partitionKeyFromQuery':
    case 'partitionKeyFromLambda':
      throw new Error(
        `!{${namespace}:${value}}: dynamic partitioning is not emulated by the local Firehose; partition with !{timestamp:…} instead`,
      );
    default:
      throw new Error(
        `!{${namespace}:${value}}: unknown namespace ${JSON.stringify(namespace)} (timestamp or firehose)`,
      );
  }
};

/** Splits `declared` into text and expressions; `!{` may only open an expression. */
export const prefixParts = (declared: string): PrefixPart[] => {
  const parts: PrefixPart[] = [];
  let from = 0;
  for (let open = declared.indexOf('!{'); open >= 0; open = declared.indexOf('!{', from)) {
    if (open > from) parts.push({ kind: 'text', text: declared.slice(from, open) });
    const close = closingBrace(declared, open);
    const body = declared.slice(open + 2, close);
    const colon = body.indexOf(':');
    if (colon < 0) throw new Error(`!{${body}} is not of the form !{namespace:value}`);
    parts.push(expressionOf(body.slice(0, colon), body.slice(colon + 1)));
    from = close + 1;
  }
  if (from < declared.length) parts.push({ kind: 'text', text: declared.slice(from) });
  return parts;
};

const has = (parts: readonly PrefixPart[], kind: PrefixPart['kind']) => parts.some((p) => p.kind === kind);
const hasExpressions = (parts: readonly PrefixPart[]) => parts.some((p) => p.kind !== 'text');

/**
 * A destination's Prefix and ErrorOutputPrefix under Firehose's semantic rules: Prefix may not name the error
 * output type; ErrorOutputPrefix must be declared when Prefix has expressions and, with expressions of its
 * own, must name the error output type; a Prefix without a timestamp gets `yyyy/MM/dd/HH/` appended. Unset,
 * ErrorOutputPrefix is the Prefix, the error output type and the hour. Throws naming the broken rule.
 */
export const compilePrefixes = (prefix: string | undefined, errorOutputPrefix: string | undefined) => {
  const declared = prefixParts(prefix ?? '');
  if (has(declared, 'error-output-type')) {
    throw new Error(
      `Prefix ${JSON.stringify(prefix)} names !{firehose:error-output-type}, which only ErrorOutputPrefix may`,
    );
  }
  if (hasExpressions(declared) && errorOutputPrefix === undefined) {
    throw new Error(
      `Prefix ${JSON.stringify(prefix)} has expressions, so Firehose requires an ErrorOutputPrefix: declare one with !{firehose:error-output-type}`,
    );
  }
  const error = prefixParts(
    errorOutputPrefix ?? `${prefix ?? ''}!{firehose:error-output-type}/${DEFAULT_TIME_PREFIX}`,
  );
  if (hasExpressions(error) && !has(error, 'error-output-type')) {
    throw new Error(
      `ErrorOutputPrefix ${JSON.stringify(errorOutputPrefix)} has expressions but no !{firehose:error-output-type}, which Firehose requires`,
    );
  }
  const data = has(declared, 'timestamp') ? declared : [...declared, ...prefixParts(DEFAULT_TIME_PREFIX)];
  const prefixes: DestinationPrefixes = { data, error };
  return prefixes;
};

/** What a prefix is evaluated with: one instant for every timestamp, and a source of random strings. */
export interface PrefixValues {
  /** The approximate arrival of the object's oldest record, in the destination's time zone. */
  readonly fields: ZonedFields;
  /** Each call: a new 11-character string (every `!{firehose:random-string}` is a new one). */
  readonly randomString: () => string;
  /** Only for the error prefix. */
  readonly errorOutputType?: ErrorOutputType;
}

/** What one part of a prefix evaluates to. */
const evaluated = (part: PrefixPart, values: PrefixValues): string => {
  if (part.kind === 'text') return part.text;
  if (part.kind === 'timestamp') return part.format(values.fields);
  if (part.kind === 'random-string') return values.randomString();
  if (!values.errorOutputType) throw new Error('the error output type is only known for failed records');
  return values.errorOutputType;
};

/** Evaluates a compiled prefix; throws when the result passes Firehose's 512 characters. */
export const renderPrefix = (parts: readonly PrefixPart[], values: PrefixValues): string => {
  const rendered = parts.map((part) => evaluated(part, values)).join('');
  if (rendered.length > MAX_EVALUATED_PREFIX) {
    throw new Error(
      `the evaluated prefix is ${rendered.length} characters, more than Firehose's ${MAX_EVALUATED_PREFIX}: ${rendered.slice(0, 60)}…`,
    );
  }
  return rendered;
};
