import { compileTimePattern, fieldsAt, isKnownZone, UnsupportedTimePattern } from './joda-time.ts';
import type { RuleMessage } from './rule-message.ts';
import { UnsupportedSql } from './sql-parser.ts';
import { type SqlValue, toDecimal } from './sql-values.ts';

/** An expression compiled to a function of the message. */
export type Evaluate = (message: RuleMessage) => SqlValue;

/** A compiled argument, with its value when it is a literal (known before any message arrives). */
export interface Argument {
  readonly evaluate: Evaluate;
  readonly literal?: SqlValue;
}

interface FunctionDefinition {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly compile: (args: readonly Argument[]) => Evaluate;
}

/** The Int a Decimal argument converts to (IoT SQL rounds); Undefined when it is not a number. */
const toInt = (value: SqlValue): number | undefined => {
  const decimal = toDecimal(value);
  return decimal === undefined ? undefined : Math.round(decimal);
};

const DYNAMIC_PATTERNS_KEPT = 64;
const dynamicPatterns = new Map<
  string,
  ((fields: Parameters<ReturnType<typeof compileTimePattern>>[0]) => string) | undefined
>();

/** A pattern known only when a message arrives: compiled then (and kept, a few); Undefined when unsupported. */
const dynamicPattern = (pattern: string) => {
  if (dynamicPatterns.has(pattern)) return dynamicPatterns.get(pattern);
  let compiled: ReturnType<typeof compileTimePattern> | undefined;
  try {
    compiled = compileTimePattern(pattern);
  } catch {
    compiled = undefined;
  }
  if (dynamicPatterns.size < DYNAMIC_PATTERNS_KEPT) dynamicPatterns.set(pattern, compiled);
  return compiled;
};

/** `parse_time(pattern, ms[, zone])`: literal patterns and zones are checked before any message arrives. */
const parseTime = (args: readonly Argument[]): Evaluate => {
  const [pattern, time, zone] = args as [Argument, Argument, Argument | undefined];
  let fixed: ReturnType<typeof compileTimePattern> | undefined;
  if (pattern.literal !== undefined) {
    if (typeof pattern.literal !== 'string') {
      throw new UnsupportedSql('parse_time()', 'parse_time() takes its pattern as a string');
    }
    try {
      fixed = compileTimePattern(pattern.literal);
    } catch (error) {
      if (error instanceof UnsupportedTimePattern) throw new UnsupportedSql('parse_time()', error.message);
      throw error;
    }
  }
  if (typeof zone?.literal === 'string' && !isKnownZone(zone.literal)) {
    throw new UnsupportedSql(`parse_time() in the unknown time zone '${zone.literal}'`);
  }
  return (message) => {
    const ms = toDecimal(time.evaluate(message));
    const zoneId = zone ? zone.evaluate(message) : 'UTC';
    if (ms === undefined || typeof zoneId !== 'string' || !isKnownZone(zoneId)) return undefined;
    const writer =
      fixed ??
      (() => {
        const dynamic = pattern.evaluate(message);
        return typeof dynamic === 'string' ? dynamicPattern(dynamic) : undefined;
      })();
    return writer?.(fieldsAt(Math.trunc(ms), zoneId));
  };
};

/** The functions the local rule engine evaluates; any other is refused when the rule is compiled. */
const FUNCTIONS: Readonly<Record<string, FunctionDefinition>> = {
  topic: {
    minArgs: 0,
    maxArgs: 1,
    compile: ([level]) => {
      if (!level) return (message) => message.topic;
      return (message) => {
        const n = toInt(level.evaluate(message));
        return n === undefined ? undefined : message.topicLevel(n);
      };
    },
  },
  timestamp: { minArgs: 0, maxArgs: 0, compile: () => (message) => message.timestampMs },
  clientid: { minArgs: 0, maxArgs: 0, compile: () => (message) => message.clientId },
  traceid: { minArgs: 0, maxArgs: 0, compile: () => (message) => message.traceId },
  parse_time: { minArgs: 2, maxArgs: 3, compile: parseTime },
};

/** Compiles a call of one of the supported functions; refuses the others, and wrong argument counts. */
export const compileCall = (name: string, args: readonly Argument[]): Evaluate => {
  const definition = FUNCTIONS[name];
  if (!definition) throw new UnsupportedSql(`the function ${name}()`);
  if (args.length < definition.minArgs || args.length > definition.maxArgs) {
    const expected =
      definition.minArgs === definition.maxArgs
        ? `${definition.minArgs}`
        : `${definition.minArgs} to ${definition.maxArgs}`;
    throw new UnsupportedSql(`${name}()`, `${name}() takes ${expected} arguments (given ${args.length})`);
  }
  return definition.compile(args);
};

/** The names of the functions evaluated locally, for documentation and error messages. */
export const SUPPORTED_FUNCTIONS = Object.keys(FUNCTIONS);
