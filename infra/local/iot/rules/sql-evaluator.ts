import type { Expression } from './sql-ast.ts';
import { type Argument, compileCall, type Evaluate } from './sql-functions.ts';
import { compare, logical, type SqlValue, toBoolean } from './sql-values.ts';

export type { Evaluate } from './sql-functions.ts';

/** A field of a JSON value: Undefined when any step is missing or not an object. */
const fieldOf = (value: SqlValue, path: readonly string[]): SqlValue => {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as { [key: string]: SqlValue })[key];
  }
  return at;
};

const literalOf = (expression: Expression): SqlValue =>
  expression.kind === 'literal' ? expression.value : undefined;

/**
 * Compiles an expression into a function of the message, once per rule: unsupported functions and literal
 * arguments a function cannot take are refused here, at start-up, not when a message arrives.
 */
export const compileExpression = (expression: Expression): Evaluate => {
  switch (expression.kind) {
    case 'literal': {
      const { value } = expression;
      return () => value;
    }
    case 'path': {
      const { path } = expression;
      return (message) => fieldOf(message.json, path);
    }
    case 'object': {
      const entries = expression.entries.map(({ key, value }) => [key, compileExpression(value)] as const);
      return (message) => {
        const object: { [key: string]: SqlValue } = {};
        for (const [key, evaluate] of entries) {
          const value = evaluate(message);
          // Undefined is not representable in JSON: the key is left out, as AWS serializes it.
          if (value !== undefined) object[key] = value;
        }
        return object;
      };
    }
    case 'call': {
      const args: Argument[] = expression.args.map((arg) => ({
        evaluate: compileExpression(arg),
        ...(arg.kind === 'literal' ? { literal: literalOf(arg) } : {}),
      }));
      return compileCall(expression.name, args);
    }
    case 'compare': {
      const { op } = expression;
      const left = compileExpression(expression.left);
      const right = compileExpression(expression.right);
      return (message) => compare(op, left(message), right(message));
    }
    case 'and':
    case 'or': {
      const { kind } = expression;
      const left = compileExpression(expression.left);
      const right = compileExpression(expression.right);
      return (message) => logical(kind, left(message), right(message));
    }
    case 'not': {
      const operand = compileExpression(expression.operand);
      return (message) => {
        const value = toBoolean(operand(message));
        return value === undefined ? undefined : !value;
      };
    }
  }
};

/** Whether the expression reads the payload (a field path anywhere in it). */
export const readsPayload = (expression: Expression): boolean => {
  switch (expression.kind) {
    case 'path':
      return true;
    case 'literal':
      return false;
    case 'object':
      return expression.entries.some((entry) => readsPayload(entry.value));
    case 'call':
      return expression.args.some(readsPayload);
    case 'not':
      return readsPayload(expression.operand);
    default:
      return readsPayload(expression.left) || readsPayload(expression.right);
  }
};
