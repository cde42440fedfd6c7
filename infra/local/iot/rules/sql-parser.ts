import type { Comparison, Expression, SelectItem, Statement } from './sql-ast.ts';
import { SqlSyntaxError, type Token, tokenize } from './sql-lexer.ts';

/** IoT SQL that AWS evaluates but the local rule engine does not: `construct` names it for the error message. */
export class UnsupportedSql extends Error {
  override readonly name = 'UnsupportedSql';
  constructor(
    readonly construct: string,
    message = `${construct} is not evaluated locally`,
  ) {
    super(message);
  }
}

const COMPARISONS: readonly string[] = ['=', '<>', '!=', '<', '>', '<=', '>='];
const ARITHMETIC: readonly string[] = ['+', '-', '*', '/', '%', '|', '&', '^', '~'];
/** Words that end an expression or start a clause; never read as a field name. */
const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AS', 'AND', 'OR', 'NOT', 'SET', 'CASE', 'VALUE']);

const describe = (token: Token): string =>
  token.kind === 'end'
    ? 'the end of the statement'
    : token.kind === 'string'
      ? `'${token.value}'`
      : token.kind === 'number'
        ? token.text
        : `'${token.value}'`;

/** A recursive-descent reader of one IoT SQL statement or expression over its tokens. */
class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  get next(): Token {
    return this.tokens[this.position] as Token;
  }

  private peek(offset: number): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)] as Token;
  }

  private advance(): Token {
    const token = this.next;
    if (token.kind !== 'end') this.position++;
    return token;
  }

  isWord(word: string, token: Token = this.next): boolean {
    return token.kind === 'word' && token.value.toUpperCase() === word;
  }

  isPunct(punct: string, token: Token = this.next): boolean {
    return token.kind === 'punct' && token.value === punct;
  }

  expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(`expected ${word}`);
    this.advance();
  }

  expectPunct(punct: string): void {
    if (!this.isPunct(punct)) this.fail(`expected '${punct}'`);
    this.advance();
  }

  fail(expected: string): never {
    throw new SqlSyntaxError(`${expected} at ${this.next.at}, found ${describe(this.next)}`, this.next.at);
  }

  statement(): Statement {
    if (this.isWord('SET')) throw new UnsupportedSql('the SET clause (variables)');
    this.expectWord('SELECT');
    if (this.isWord('VALUE')) throw new UnsupportedSql('SELECT VALUE');
    const select = [this.selectItem()];
    while (this.isPunct(',')) {
      this.advance();
      select.push(this.selectItem());
    }
    this.expectWord('FROM');
    const topic = this.advance();
    // AWS's reference: "You must enclose the topic or topic filter in single quotes".
    if (topic.kind !== 'string' || topic.quote !== "'") {
      throw new SqlSyntaxError(
        `FROM takes a topic filter in single quotes ('a/+/b') at ${topic.at}, found ${topic.kind === 'string' ? `"${topic.value}"` : describe(topic)}`,
        topic.at,
      );
    }
    let where: Expression | undefined;
    if (this.isWord('WHERE')) {
      this.advance();
      where = this.expression();
    }
    if (this.next.kind !== 'end') this.refuseOrFail('the end of the statement');
    return { select, from: topic.value, ...(where ? { where } : {}) };
  }

  private selectItem(): SelectItem {
    if (this.isPunct('*')) {
      this.advance();
      return { kind: 'all' };
    }
    const start = this.next.at;
    const expression = this.expression();
    if (this.isWord('AS')) {
      this.advance();
      const alias = this.advance();
      if (alias.kind !== 'word') {
        throw new SqlSyntaxError(`AS takes a name at ${alias.at}, found ${describe(alias)}`, alias.at);
      }
      if (this.isPunct('.')) throw new UnsupportedSql(`the dotted alias AS ${alias.value}.…`);
      return { kind: 'expression', expression, name: alias.value };
    }
    if (expression.kind === 'path') {
      return { kind: 'expression', expression, name: expression.path[expression.path.length - 1] as string };
    }
    // AWS names such items itself; the local engine does not guess the name it would choose.
    throw new UnsupportedSql(
      'a select item without AS',
      `a select item without AS (at ${start}) is not evaluated locally: name it with AS <name>`,
    );
  }

  /** or := and (OR and)* */
  expression(): Expression {
    let left = this.conjunction();
    while (this.isWord('OR')) {
      this.advance();
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Expression {
    let left = this.negation();
    while (this.isWord('AND')) {
      this.advance();
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }

  private negation(): Expression {
    if (this.isWord('NOT')) {
      this.advance();
      return { kind: 'not', operand: this.negation() };
    }
    return this.comparison();
  }

  private comparison(): Expression {
    const left = this.operand();
    const op = this.next;
    if (op.kind === 'punct' && COMPARISONS.includes(op.value)) {
      this.advance();
      return { kind: 'compare', op: op.value as Comparison, left, right: this.operand() };
    }
    if (op.kind === 'punct' && ARITHMETIC.includes(op.value)) {
      throw new UnsupportedSql(`the operator ${op.value}`);
    }
    return left;
  }

  /** An operand: refuses the arithmetic that may follow it, which IoT SQL has and the local engine lacks. */
  private operand(): Expression {
    const value = this.primary();
    if (this.isPunct('[')) throw new UnsupportedSql('array indexing […]');
    return value;
  }

  private primary(): Expression {
    const token = this.next;
    if (token.kind === 'string') {
      this.advance();
      return { kind: 'literal', value: token.value };
    }
    if (token.kind === 'number') {
      this.advance();
      return { kind: 'literal', value: token.value };
    }
    if (this.isPunct('-') && this.peek(1).kind === 'number') {
      this.advance();
      return { kind: 'literal', value: -(this.advance() as { value: number }).value };
    }
    if (this.isPunct('(')) return this.parenthesized();
    if (this.isPunct('{')) return this.objectLiteral();
    if (token.kind === 'word') return this.wordExpression(token.value);
    return this.refuseOrFail('a value');
  }

  private parenthesized(): Expression {
    this.advance();
    if (this.isWord('SELECT'))
      throw new UnsupportedSql('a nested object query (SELECT … inside parentheses)');
    const inner = this.expression();
    this.expectPunct(')');
    return inner;
  }

  private objectLiteral(): Expression {
    this.advance();
    const entries: { key: string; value: Expression }[] = [];
    while (!this.isPunct('}')) {
      if (entries.length > 0) this.expectPunct(',');
      const key = this.advance();
      if (key.kind !== 'string') {
        throw new SqlSyntaxError(
          `an object literal's key is a quoted string at ${key.at}, found ${describe(key)}`,
          key.at,
        );
      }
      this.expectPunct(':');
      entries.push({ key: key.value, value: this.expression() });
    }
    this.advance();
    return { kind: 'object', entries };
  }

  private wordExpression(word: string): Expression {
    const upper = word.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') {
      this.advance();
      return { kind: 'literal', value: upper === 'TRUE' };
    }
    if (upper === 'NULL') {
      this.advance();
      return { kind: 'literal', value: null };
    }
    if (upper === 'CASE') throw new UnsupportedSql('the CASE expression');
    if (RESERVED.has(upper)) this.fail('expected a value');
    this.advance();
    if (this.isPunct('(')) return this.call(word.toLowerCase());
    const path = [word];
    while (this.isPunct('.')) {
      this.advance();
      const segment = this.advance();
      if (segment.kind !== 'word') {
        throw new SqlSyntaxError(
          `expected a field name after ${path.join('.')}. at ${segment.at}, found ${describe(segment)} (AWS reads names with digits or hyphens with get(), which is not evaluated locally)`,
          segment.at,
        );
      }
      path.push(segment.value);
    }
    return { kind: 'path', path };
  }

  private call(name: string): Expression {
    this.advance();
    const args: Expression[] = [];
    while (!this.isPunct(')')) {
      if (args.length > 0) this.expectPunct(',');
      if (this.isPunct('*')) throw new UnsupportedSql(`${name}(*) (the payload as a function argument)`);
      args.push(this.expression());
    }
    this.advance();
    return { kind: 'call', name, args };
  }

  /** At a token the subset cannot read: names it when it is IoT SQL the local engine refuses, else a syntax error. */
  private refuseOrFail(expected: string): never {
    const token = this.next;
    if (token.kind === 'punct' && ARITHMETIC.includes(token.value)) {
      throw new UnsupportedSql(`the operator ${token.value}`);
    }
    if (this.isPunct('[')) throw new UnsupportedSql('the array literal […]');
    if (this.isPunct('$') || this.isPunct('@')) throw new UnsupportedSql('a variable ($name, @name)');
    return this.fail(`expected ${expected}`);
  }
}

/** Reads one IoT SQL statement (SQL version 2016-03-23) of the subset the local rule engine evaluates. */
export const parseStatement = (sql: string): Statement => new Parser(tokenize(sql)).statement();

/** Reads one expression, as a substitution template holds (`${topic(3)}` → `topic(3)`). */
export const parseExpression = (text: string): Expression => {
  const parser = new Parser(tokenize(text));
  const expression = parser.expression();
  if (parser.next.kind !== 'end') parser.fail('expected the end of the expression');
  return expression;
};
