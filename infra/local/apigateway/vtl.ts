import { Compile, parse } from 'velocityjs';
import { errorMessage } from '../../../processors/shared/errors.ts';
import { javaMethodHandlers } from './java-methods.ts';

/** The AST nodes velocityjs hands its compiler; only the fields read here are typed. */
type Ast = {
  type: string;
  operator?: string;
  expression?: Ast[];
  equal?: [unknown, Ast];
  from?: Ast;
  pos?: unknown;
};

/** API Gateway's quota on the iterations of one `#foreach` in a mapping template. */
export const MAX_FOREACH_ITERATIONS = 1000;

/**
 * Interpolated string literals (`"$!event.sessionId"`) parsed once: velocityjs parses one each time it is
 * evaluated, which made the parser most of a request's cost. Keys are literals of compiled templates: bounded.
 */
const parsedStrings = new Map<string, ReturnType<typeof parse>>();

/** A rendered template's text cannot be told from a missing value: both become "" (see `getReferences`). */
const isMissing = (value: unknown) => value === null || value === undefined;

/**
 * velocityjs tuned to render as API Gateway's Velocity does:
 * - a null or missing reference renders as nothing (velocityjs would print `null`, or the reference's text);
 * - `#set($x = <null>)` leaves `$x` as it was (Velocity 1.7);
 * - `/` between two integers divides as Java does (7 / 2 is 3, not 3.5);
 * - a `#foreach` over more than 1,000 items fails, as API Gateway's quota has it.
 */
class ApiGatewayVelocity extends Compile {
  // velocityjs types these as returning strings; they return whatever the template holds.
  protected override getReferences(ast: never, isVal?: boolean): string {
    const value: unknown = super.getReferences(ast, isVal);
    return (isVal && isMissing(value) ? '' : value) as string;
  }

  protected override getExpression(ast: never): string {
    const node = ast as Ast;
    if (node.type === 'math' && node.operator === '/' && node.expression) {
      const [left, right] = node.expression.map((side): unknown => super.getExpression(side as never)) as [
        number,
        number,
      ];
      // A decimal literal (7.0) is a Java double even when JavaScript reads it as a whole number.
      const decimal = node.expression.some((side) => side.type === 'decimal');
      const integers = !decimal && Number.isInteger(left) && Number.isInteger(right) && right !== 0;
      const quotient = integers ? Math.trunc(left / right) : left / right;
      return quotient as unknown as string;
    }
    return super.getExpression(ast);
  }

  protected override evalStr(text: string): string {
    let asts = parsedStrings.get(text);
    if (!asts) {
      asts = parse(text);
      parsedStrings.set(text, asts);
    }
    return this.renderAstList(asts, this.contextId);
  }

  protected override getBlock(block: never): string {
    const [loop] = block as unknown as [Ast];
    if (loop.type !== 'foreach') return super.getBlock(block);
    // The source is evaluated here and again by velocityjs: a reference or a list, it has no side effect.
    const items: unknown = this.getLiteral({ ...loop.from, pos: loop.pos } as never);
    const count = Array.isArray(items)
      ? items.length
      : typeof items === 'object' && items
        ? Object.keys(items).length
        : 0;
    if (count > MAX_FOREACH_ITERATIONS) {
      throw new Error(
        `a #foreach over ${count} items: API Gateway allows at most ${MAX_FOREACH_ITERATIONS} iterations`,
      );
    }
    return super.getBlock(block);
  }

  protected override setValue(ast: never): void {
    const node = ast as Ast;
    const [target, source] = node.equal ?? [];
    if (!source || source.type === 'math') {
      super.setValue(ast);
      return;
    }
    const value: unknown = this.getLiteral(source as never);
    if (isMissing(value)) return;
    // The value is evaluated once, here; velocityjs's own set then stores it through its value mapper.
    const mapper = this.config.valueMapper;
    this.config.valueMapper = () => value;
    try {
      super.setValue({ ...node, equal: [target, { type: 'integer', value: '0' }] } as never);
    } finally {
      this.config.valueMapper = mapper;
    }
  }
}

/** The variables a mapping template sees: `$input`, `$context`, `$util`, `$stageVariables`. */
export type TemplateVariables = Record<string, unknown>;

export interface CompiledTemplate {
  /** Renders with `variables`; the template may change them (`$context.responseOverride`). */
  render(variables: TemplateVariables): string;
}

/**
 * A mapping template compiled once. A template velocityjs cannot parse fails here, naming `where`: API Gateway
 * would refuse the deployment.
 */
export const compileTemplate = (text: string, where: string): CompiledTemplate => {
  let asts: ReturnType<typeof parse>;
  try {
    asts = parse(text);
  } catch (error) {
    throw new Error(`the mapping template of ${where} is not valid VTL: ${errorMessage(error)}`);
  }
  return {
    render: (variables) =>
      new ApiGatewayVelocity(asts, { customMethodHandlers: javaMethodHandlers }).render(
        variables,
        undefined,
        true,
      ),
  };
};
