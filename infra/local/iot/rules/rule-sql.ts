import type { RuleMessage } from './rule-message.ts';
import type { SelectItem } from './sql-ast.ts';
import { compileExpression, type Evaluate, readsPayload } from './sql-evaluator.ts';
import { SqlSyntaxError } from './sql-lexer.ts';
import { parseStatement } from './sql-parser.ts';
import { type SqlValue, toBoolean } from './sql-values.ts';
import { compileTopicFilter } from './topic-filter.ts';

/** What a rule's SQL makes of one message whose topic its FROM matches. */
export type SqlOutcome =
  /** The WHERE clause is not true: no action runs. */
  | { readonly kind: 'skipped' }
  /** What the actions receive: the SELECT's JSON, or the raw payload for `SELECT *` of a binary payload. */
  | { readonly kind: 'selected'; readonly data: Buffer }
  /**
   * The message cannot be evaluated (fields added to a binary payload): no action runs and, as on AWS, no error
   * action either (those are for failed actions).
   */
  | { readonly kind: 'failed'; readonly reason: string };

export interface CompiledRuleSql {
  /** The FROM clause's topic filter. */
  readonly from: string;
  readonly matches: (topic: string) => boolean;
  /** Whether the SQL reads the payload as JSON: a payload that is not JSON is then an AWS/IoT ParseError. */
  readonly readsJson: boolean;
  readonly evaluate: (message: RuleMessage) => SqlOutcome;
}

/** A rule's SQL that the local engine refuses, naming the rule and the construct. */
export class RuleSqlError extends Error {
  override readonly name = 'RuleSqlError';
}

const SKIPPED: SqlOutcome = { kind: 'skipped' };

interface CompiledItem {
  readonly name: string;
  readonly evaluate: Evaluate;
}

/** The SELECT list's output object of a message: the payload's fields for `*`, then each named item. */
const selectObject = (
  message: RuleMessage,
  items: readonly (CompiledItem | 'all')[],
): { [key: string]: SqlValue } | string => {
  const output: { [key: string]: SqlValue } = {};
  for (const item of items) {
    if (item === 'all') {
      const json = message.json;
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return message.isJson
          ? 'the payload is JSON but not an object, so SELECT * cannot take other items beside it'
          : 'the payload is not JSON, so SELECT * cannot take other items beside it';
      }
      Object.assign(output, json);
      continue;
    }
    const value = item.evaluate(message);
    if (value !== undefined) output[item.name] = value;
  }
  return output;
};

const compileItems = (select: readonly SelectItem[]): (CompiledItem | 'all')[] =>
  select.map((item) =>
    item.kind === 'all' ? 'all' : { name: item.name, evaluate: compileExpression(item.expression) },
  );

/**
 * Compiles a rule's SQL (version 2016-03-23, the subset in docs/decisions.md) into a matcher of topics and an
 * evaluator of messages. Anything outside the subset is refused here, at start-up:
 * `rule <logicalId>: <construct> is not evaluated locally`.
 */
export const compileRuleSql = (sql: string, logicalId: string): CompiledRuleSql => {
  try {
    const statement = parseStatement(sql);
    const items = compileItems(statement.select);
    const where = statement.where ? compileExpression(statement.where) : undefined;
    const onlyAll = statement.select.length === 1 && statement.select[0]?.kind === 'all';
    const addsToAll = !onlyAll && statement.select.some((item) => item.kind === 'all');
    const readsJson =
      addsToAll ||
      statement.select.some((item) => item.kind === 'expression' && readsPayload(item.expression)) ||
      (statement.where !== undefined && readsPayload(statement.where));
    return {
      from: statement.from,
      matches: compileTopicFilter(statement.from),
      readsJson,
      evaluate: (message) => {
        if (where && toBoolean(where(message)) !== true) return SKIPPED;
        // SELECT * alone passes the payload through as it came, JSON or binary (AWS's binary payloads).
        if (onlyAll) return { kind: 'selected', data: message.payload };
        const output = selectObject(message, items);
        if (typeof output === 'string') {
          return { kind: 'failed', reason: output };
        }
        return { kind: 'selected', data: Buffer.from(JSON.stringify(output)) };
      },
    };
  } catch (error) {
    const detail =
      error instanceof SqlSyntaxError ? `SQL syntax error: ${error.message}` : (error as Error).message;
    throw new RuleSqlError(`rule ${logicalId}: ${detail} (SQL: ${sql})`);
  }
};
