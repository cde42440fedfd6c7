import { errorMessage } from '../../../processors/shared/errors.ts';

/*
 * Lambda event filtering (FilterCriteria) as applied to stream records before invoking: a record is
 * delivered when ANY filter's pattern matches it. Patterns use the EventBridge syntax Lambda supports:
 * nested objects match nested fields; a list of matchers matches when any matcher does (and an array
 * value matches when any element does); matchers are exact values (string, number, boolean, null),
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a list, or `{prefix}`/`{suffix}`),
 * `numeric` (comparisons and ranges), `exists`, and `$or` of whole sub-patterns.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Value = Json | undefined;

/** A compiled filter: true when the record should be delivered. */
export type RecordFilter = (record: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const numericOf = (value: Value): number | undefined => {
  if (typeof value === 'number') return value;
  // DynamoDB numbers arrive as strings ({ "N": "42" }); Lambda compares them numerically.
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
};

const NUMERIC_OPERATORS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

class PatternError extends Error {}

type Matcher = (value: Value, present: boolean) => boolean;

const compileNumeric = (spec: Json): Matcher => {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0) {
    throw new PatternError(`numeric needs [operator, number, …] pairs, got ${JSON.stringify(spec)}`);
  }
  const tests: ((n: number) => boolean)[] = [];
  for (let i = 0; i < spec.length; i += 2) {
    const operator = spec[i];
    const operand = spec[i + 1];
    const compare = typeof operator === 'string' ? NUMERIC_OPERATORS[operator] : undefined;
    if (!compare || typeof operand !== 'number') {
      throw new PatternError(`numeric: unsupported comparison ${JSON.stringify([operator, operand])}`);
    }
    tests.push((n) => compare(n, operand));
  }
  return (value) => {
    const n = numericOf(value);
    return n !== undefined && tests.every((test) => test(n));
  };
};

const equalsLiteral = (literal: Json, value: Value): boolean => {
  if (typeof literal === 'number') {
    const n = numericOf(value);
    return typeof value === 'number' && n === literal;
  }
  return value === literal;
};

const compileAnythingBut = (spec: Json): Matcher => {
  if (isObject(spec)) {
    const inner = compileOperator(spec);
    return (value, present) => present && typeof value === 'string' && !inner(value, present);
  }
  const excluded = Array.isArray(spec) ? spec : [spec];
  for (const literal of excluded) {
    if (isObject(literal) || Array.isArray(literal)) {
      throw new PatternError(`anything-but takes values, got ${JSON.stringify(literal)}`);
    }
  }
  return (value, present) =>
    present && !isObject(value) && !excluded.some((literal) => equalsLiteral(literal, value));
};

/** One `{ operator: argument }` matcher. */
const compileOperator = (spec: Record<string, Json>): Matcher => {
  const entries = Object.entries(spec);
  if (entries.length !== 1) throw new PatternError(`a matcher has one operator, got ${JSON.stringify(spec)}`);
  const [operator, argument] = entries[0] as [string, Json];
  switch (operator) {
    case 'prefix':
      if (typeof argument !== 'string') throw new PatternError('prefix takes a string');
      return (value) => typeof value === 'string' && value.startsWith(argument);
    case 'suffix':
      if (typeof argument !== 'string') throw new PatternError('suffix takes a string');
      return (value) => typeof value === 'string' && value.endsWith(argument);
    case 'equals-ignore-case':
      if (typeof argument !== 'string') throw new PatternError('equals-ignore-case takes a string');
      return (value) => typeof value === 'string' && value.toLowerCase() === argument.toLowerCase();
    case 'anything-but':
      return compileAnythingBut(argument);
    case 'numeric':
      return compileNumeric(argument);
    case 'exists':
      if (typeof argument !== 'boolean') throw new PatternError('exists takes true or false');
      return (_, present) => present === argument;
    default:
      throw new PatternError(`operator ${JSON.stringify(operator)} is not supported by the local cloud`);
  }
};

/** A list of matchers for one field. */
const compileLeaf = (matchers: Json[]): Matcher => {
  if (matchers.length === 0) throw new PatternError('a list of matchers must not be empty');
  const compiled = matchers.map((matcher): Matcher => {
    if (isObject(matcher)) return compileOperator(matcher);
    if (Array.isArray(matcher)) throw new PatternError('matchers cannot be nested lists');
    return (value, present) => present && equalsLiteral(matcher, value);
  });
  return (value, present) => {
    if (Array.isArray(value)) {
      // An array field matches when any of its elements does.
      return value.some((element) => compiled.some((match) => match(element, true)));
    }
    return compiled.some((match) => match(value, present));
  };
};

type ObjectMatcher = (value: Value) => boolean;

const compileObject = (pattern: Record<string, Json>): ObjectMatcher => {
  const fields: ObjectMatcher[] = [];
  for (const [key, spec] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(spec) || spec.length < 2 || !spec.every(isObject)) {
        throw new PatternError('$or takes a list of at least two patterns');
      }
      const alternatives = (spec as Record<string, Json>[]).map(compileObject);
      fields.push((value) => alternatives.some((alternative) => alternative(value)));
      continue;
    }
    if (Array.isArray(spec)) {
      const leaf = compileLeaf(spec);
      fields.push((value) => {
        const present = isObject(value) && Object.hasOwn(value, key);
        return leaf(present ? value[key] : undefined, present);
      });
    } else if (isObject(spec)) {
      const nested = compileObject(spec);
      fields.push((value) => {
        const inner = isObject(value) ? value[key] : undefined;
        return Array.isArray(inner) ? inner.some((element) => nested(element)) : nested(inner);
      });
    } else {
      throw new PatternError(
        `field ${JSON.stringify(key)} must be a list of matchers or a nested pattern, got ${JSON.stringify(spec)}`,
      );
    }
  }
  return (value) => fields.every((field) => field(value));
};

/** Compiles one `Pattern` (a JSON string); throws naming the problem if Lambda would reject it. */
export const compilePattern = (pattern: string): RecordFilter => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch (error) {
    throw new Error(`filter pattern is not JSON (${errorMessage(error)}): ${pattern}`);
  }
  if (!isObject(parsed)) throw new Error(`filter pattern must be a JSON object: ${pattern}`);
  try {
    const match = compileObject(parsed);
    return (record) => match(record as Value);
  } catch (error) {
    if (error instanceof PatternError) throw new Error(`invalid filter pattern ${pattern}: ${error.message}`);
    throw error;
  }
};

/**
 * The mapping's FilterCriteria as one predicate: with no filters every record is delivered;
 * otherwise a record is delivered when any pattern matches.
 */
export const compileFilterCriteria = (patterns: readonly string[]): RecordFilter | undefined => {
  if (patterns.length === 0) return undefined;
  const filters = patterns.map(compilePattern);
  return (record) => filters.some((filter) => filter(record));
};
