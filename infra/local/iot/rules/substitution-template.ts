import type { RuleMessage } from './rule-message.ts';
import { compileExpression } from './sql-evaluator.ts';
import { SqlSyntaxError, templateExpressionEnd } from './sql-lexer.ts';
import { parseExpression } from './sql-parser.ts';
import { toText } from './sql-values.ts';

/** An action field with its `${expression}` parts compiled: the field's text for one message. */
export type Substitution = (message: RuleMessage) => string;

/**
 * Compiles an action field that may hold substitution templates (`errors/${traceid()}.json`). Each expression is
 * evaluated against the original message — its payload, topic and functions, never the SELECT's aliases (AWS
 * evaluates templates apart from the SELECT) — and written as IoT SQL converts a value to a string (Undefined
 * and Null as nothing). `where` names the rule and field in the error a template the engine refuses raises.
 */
export const compileSubstitution = (text: string, where: string): Substitution => {
  const parts: (string | ((message: RuleMessage) => string))[] = [];
  let at = 0;
  try {
    while (at < text.length) {
      const open = text.indexOf('${', at);
      if (open < 0) {
        parts.push(text.slice(at));
        break;
      }
      if (open > at) parts.push(text.slice(at, open));
      const close = templateExpressionEnd(text, open + 2);
      const evaluate = compileExpression(parseExpression(text.slice(open + 2, close)));
      parts.push((message) => toText(evaluate(message)));
      at = close + 1;
    }
  } catch (error) {
    const detail =
      error instanceof SqlSyntaxError ? `syntax error: ${error.message}` : (error as Error).message;
    throw new Error(`${where}: substitution template "${text}": ${detail}`);
  }
  if (parts.every((part) => typeof part === 'string')) {
    const fixed = parts.join('');
    return () => fixed;
  }
  return (message) => {
    let result = '';
    for (const part of parts) result += typeof part === 'string' ? part : part(message);
    return result;
  };
};
