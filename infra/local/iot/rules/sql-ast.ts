/** The IoT SQL subset the local rule engine evaluates, as a syntax tree (sql-parser.ts builds it). */

export type Comparison = '=' | '<>' | '!=' | '<' | '>' | '<=' | '>=';

export type Expression =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  /** A field of the payload: `a`, `a.b.c`. */
  | { readonly kind: 'path'; readonly path: readonly string[] }
  | {
      readonly kind: 'object';
      readonly entries: readonly { readonly key: string; readonly value: Expression }[];
    }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expression[] }
  | {
      readonly kind: 'compare';
      readonly op: Comparison;
      readonly left: Expression;
      readonly right: Expression;
    }
  | { readonly kind: 'and' | 'or'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'not'; readonly operand: Expression };

export type SelectItem =
  | { readonly kind: 'all' }
  | { readonly kind: 'expression'; readonly expression: Expression; readonly name: string };

export interface Statement {
  readonly select: readonly SelectItem[];
  /** The FROM clause's topic filter, unquoted. */
  readonly from: string;
  readonly where?: Expression;
}
