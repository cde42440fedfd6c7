import type { Comparison } from './sql-ast.ts';

/**
 * A value of IoT SQL: the JSON types, and `undefined` for SQL's Undefined (a missing field, a function given
 * the wrong arguments), which JSON cannot hold: it disappears from objects and makes comparisons Undefined.
 */
export type SqlValue =
  | string
  | number
  | boolean
  | null
  | SqlValue[]
  | { [key: string]: SqlValue }
  | undefined;

/** The strings IoT SQL converts to a number (its documented pattern). */
const DECIMAL = /^-?\d+(\.\d+)?([eE]-?\d+)?$/;

/** IoT SQL's conversion to Decimal: numbers, and strings of its pattern; anything else is Undefined. */
export const toDecimal = (value: SqlValue): number | undefined => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return undefined;
};

/** IoT SQL's conversion to Boolean: booleans, and the strings "true"/"false" in any case; else Undefined. */
export const toBoolean = (value: SqlValue): boolean | undefined => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
};

/**
 * IoT SQL's conversion to String, as a substitution template writes a value: numbers in standard notation,
 * booleans lower-case, arrays and objects as JSON; Null and Undefined become the empty string.
 */
export const toText = (value: SqlValue): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};

const isObject = (value: SqlValue): value is { [key: string]: SqlValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `=` on two defined values: same type and equal (arrays in order, objects whatever their key order). */
const equal = (left: SqlValue, right: SqlValue): boolean => {
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, i) => equal(item, right[i]));
  }
  if (isObject(left) && isObject(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => key in right && equal(left[key], right[key]))
    );
  }
  // Mismatched types are unequal: '5' = 5 is false (no conversion for equality).
  return left === right;
};

/** A comparison as IoT SQL's operator tables define it; Undefined when either side is. */
export const compare = (op: Comparison, left: SqlValue, right: SqlValue): boolean | undefined => {
  if (left === undefined || right === undefined) return undefined;
  switch (op) {
    case '=':
      return equal(left, right);
    case '<>':
    case '!=':
      return !equal(left, right);
    default: {
      // Ordering converts both sides to Decimal; what does not convert makes the comparison Undefined.
      const a = toDecimal(left);
      const b = toDecimal(right);
      if (a === undefined || b === undefined) return undefined;
      if (op === '<') return a < b;
      if (op === '>') return a > b;
      if (op === '<=') return a <= b;
      return a >= b;
    }
  }
};

/** AND / OR over Boolean-convertible operands; Undefined when either is not (AWS's operator tables). */
export const logical = (kind: 'and' | 'or', left: SqlValue, right: SqlValue): boolean | undefined => {
  const a = toBoolean(left);
  const b = toBoolean(right);
  if (a === undefined || b === undefined) return undefined;
  return kind === 'and' ? a && b : a || b;
};
