import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

type Item = Record<string, unknown>;
type Scope = Pick<UpdateCommandInput, 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

const nameOf = (token: string, scope: Scope) => scope.ExpressionAttributeNames?.[token] ?? token;
const placeholderValue = (token: string, scope: Scope) => {
  const values = scope.ExpressionAttributeValues ?? {};
  if (!(token in values)) throw new Error(`the expression uses ${token}, which has no value`);
  return values[token];
};

/** `attribute_not_exists(a)`, `a < :v`, `a > :v`, joined by AND and OR: what the writers' conditions use. */
const holds = (condition: string, item: Item | undefined, scope: Scope): boolean =>
  condition.split(' OR ').some((all) =>
    all.split(' AND ').every((atom) => {
      const notExists = /^attribute_not_exists\((\S+)\)$/.exec(atom);
      if (notExists?.[1]) return item?.[nameOf(notExists[1], scope)] === undefined;
      const [, name = '', operator, value = ''] = /^(\S+) ([<>]) (:\w+)$/.exec(atom) ?? [];
      if (!operator) throw new Error(`the fake table does not understand the condition ${atom}`);
      // As in DynamoDB: a comparison with a missing attribute is false.
      const left = item?.[nameOf(name, scope)] as number | string | undefined;
      const right = placeholderValue(value, scope) as number | string;
      if (left === undefined) return false;
      return operator === '<' ? left < right : left > right;
    }),
  );

/** Commas that separate actions, not the arguments of if_not_exists(a, b). */
const ACTION_SEPARATOR = /, (?![^(]*\))/;

/** `SET a = :v, b = if_not_exists(b, :w) ADD c :x`: the subset the rollup update builders write. */
const apply = (expression: string, item: Item, scope: Scope): void => {
  for (const [, clause = '', actions = ''] of expression.matchAll(/(SET|ADD) (.*?)(?= (?:SET|ADD) |$)/g)) {
    for (const action of actions.split(ACTION_SEPARATOR)) {
      const [, target = '', seeded, value = ''] =
        /^(\S+)(?: = | )(if_not_exists\(\S+, )?(:\w+)\)?$/.exec(action) ?? [];
      if (!value) throw new Error(`the fake table does not understand the action ${action}`);
      const name = nameOf(target, scope);
      const given = placeholderValue(value, scope);
      if (clause === 'ADD') item[name] = ((item[name] as number | undefined) ?? 0) + (given as number);
      else if (!seeded || item[name] === undefined) item[name] = given;
    }
  }
};

export interface FakeTableOptions {
  /** The key attributes, e.g. `['pk', 'sk']`. */
  readonly keys: readonly string[];
  /** Runs before each UpdateItem is applied: throw to fail it, or change the table as a concurrent writer would. */
  readonly beforeUpdate?: (input: UpdateCommandInput, table: FakeTable) => void;
}

/**
 * An in-memory DynamoDB table behind a document client: conditional UpdateItem (ALL_NEW, ALL_OLD on a failed
 * condition) and GetItem, with the commands it was sent kept in order.
 */
export class FakeTable {
  readonly items = new Map<string, Item>();
  readonly sent: { name: string; input: Item }[] = [];
  readonly client: DynamoDBDocumentClient;

  constructor(private readonly options: FakeTableOptions) {
    this.client = {
      send: async (command: unknown) => this.handle(command),
    } as unknown as DynamoDBDocumentClient;
  }

  get(key: Item): Item | undefined {
    return this.items.get(this.idOf(key));
  }

  put(item: Item): void {
    this.items.set(this.idOf(item), structuredClone(item));
  }

  private idOf(key: Item): string {
    return JSON.stringify(this.options.keys.map((name) => key[name]));
  }

  private handle(command: unknown): unknown {
    if (command instanceof GetCommand) {
      this.sent.push({ name: 'GetCommand', input: command.input });
      const item = this.get(command.input.Key ?? {});
      return item ? { Item: structuredClone(item) } : {};
    }
    if (!(command instanceof UpdateCommand))
      throw new Error('the fake table handles GetItem and UpdateItem only');
    const input = command.input;
    this.sent.push({ name: 'UpdateCommand', input });
    this.options.beforeUpdate?.(input, this);
    const key = input.Key ?? {};
    const stored = this.get(key);
    if (input.ConditionExpression && !holds(input.ConditionExpression, stored, input)) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item:
          stored && input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? marshall(stored) : undefined,
      });
    }
    const item = structuredClone(stored ?? key);
    apply(input.UpdateExpression ?? '', item, input);
    this.items.set(this.idOf(key), item);
    return input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(item) } : {};
  }
}
