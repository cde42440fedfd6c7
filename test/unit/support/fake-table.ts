import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
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

/** `#transition.#id` → `['transition', 'id']`. */
const pathOf = (path: string, scope: Scope): string[] => path.split('.').map((token) => nameOf(token, scope));

const read = (item: Item | undefined, path: readonly string[]): unknown =>
  path.reduce<unknown>((value, name) => (value as Item | undefined)?.[name], item);

const write = (item: Item, path: readonly string[], value: unknown): void => {
  const parents = path.slice(0, -1);
  const parent = parents.reduce<Item>((at, name) => {
    at[name] ??= {};
    return at[name] as Item;
  }, item);
  const last = path.at(-1) as string;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
};

type Comparable = number | string | boolean;
const COMPARISONS: Record<string, (left: Comparable, right: Comparable) => boolean> = {
  '=': (left, right) => left === right,
  '<>': (left, right) => left !== right,
  '<': (left, right) => left < right,
  '<=': (left, right) => left <= right,
  '>': (left, right) => left > right,
  '>=': (left, right) => left >= right,
};

const holdsAtom = (atom: string, item: Item | undefined, scope: Scope): boolean => {
  const existence = /^attribute_(not_exists|exists)\((\S+)\)$/.exec(atom);
  if (existence?.[2]) {
    const present = read(item, pathOf(existence[2], scope)) !== undefined;
    return existence[1] === 'exists' ? present : !present;
  }
  const [, path = '', operator = '', value = ''] = /^(\S+) (=|<>|<=|>=|<|>) (:\w+)$/.exec(atom) ?? [];
  const compare = COMPARISONS[operator];
  if (!compare) throw new Error(`the fake table does not understand the condition ${atom}`);
  // As in DynamoDB: a comparison with a missing attribute is false.
  const left = read(item, pathOf(path, scope)) as Comparable | undefined;
  if (left === undefined) return false;
  return compare(left, placeholderValue(value, scope) as Comparable);
};

/**
 * Comparisons and `attribute_(not_)exists(a)`, joined by AND, OR-ed, with parentheses around an AND group:
 * what the writers' conditions and the silent check's key condition use.
 */
const holds = (condition: string, item: Item | undefined, scope: Scope): boolean =>
  condition.split(' OR ').some((group) =>
    group
      .replace(/^\((.*)\)$/, '$1')
      .split(' AND ')
      .every((atom) => holdsAtom(atom, item, scope)),
  );

/** Commas that separate actions, not the arguments of if_not_exists(a, b). */
const ACTION_SEPARATOR = /, (?![^(]*\))/;

const applyAction = (clause: string, action: string, item: Item, scope: Scope): void => {
  if (clause === 'REMOVE') {
    write(item, pathOf(action, scope), undefined);
    return;
  }
  const [, target = '', seeded, value = ''] =
    /^(\S+)(?: = | )(if_not_exists\(\S+, )?(:\w+)\)?$/.exec(action) ?? [];
  if (!value) throw new Error(`the fake table does not understand the action ${action}`);
  const path = pathOf(target, scope);
  const given = structuredClone(placeholderValue(value, scope));
  if (clause === 'ADD')
    write(item, path, ((read(item, path) as number | undefined) ?? 0) + (given as number));
  else if (!seeded || read(item, path) === undefined) write(item, path, given);
};

/** `SET a = :v, b.c = if_not_exists(b.c, :w) ADD d :x REMOVE e, f`: what the processors' writers send. */
const apply = (expression: string, item: Item, scope: Scope): void => {
  for (const [, clause = '', actions = ''] of expression.matchAll(
    /(SET|ADD|REMOVE) (.*?)(?= (?:SET|ADD|REMOVE) |$)/g,
  )) {
    for (const action of actions.split(ACTION_SEPARATOR)) applyAction(clause, action, item, scope);
  }
};

/** A document client whose every command goes to `send`; `instanceof` holds, so the SDK's paginators take it. */
export const fakeDocumentClient = (send: (command: unknown) => Promise<unknown>): DynamoDBDocumentClient =>
  Object.assign(Object.create(DynamoDBDocumentClient.prototype) as DynamoDBDocumentClient, { send });

export interface FakeTableOptions {
  /** The key attributes, e.g. `['pk', 'sk']`. */
  readonly keys: readonly string[];
  /** Runs before each UpdateItem is applied: throw to fail it, or change the table as a concurrent writer would. */
  readonly beforeUpdate?: (input: UpdateCommandInput, table: FakeTable) => void;
}

/**
 * An in-memory DynamoDB table behind a document client: conditional UpdateItem (ALL_NEW, ALL_OLD on a failed
 * condition), GetItem and Query by key condition (on the table or any index: every item is a candidate), with
 * the commands it was sent kept in order.
 */
export class FakeTable {
  readonly items = new Map<string, Item>();
  readonly sent: { name: string; input: Item }[] = [];
  readonly client: DynamoDBDocumentClient;

  constructor(private readonly options: FakeTableOptions) {
    this.client = fakeDocumentClient(async (command) => this.execute(command));
  }

  get(key: Item): Item | undefined {
    return this.items.get(this.idOf(key));
  }

  put(item: Item): void {
    this.items.set(this.idOf(item), structuredClone(item));
  }

  /** Answers one command as DynamoDB would; throws for a command the fake does not know. */
  execute(command: unknown): unknown {
    if (command instanceof GetCommand) {
      this.sent.push({ name: 'GetCommand', input: command.input });
      const item = this.get(command.input.Key ?? {});
      return item ? { Item: structuredClone(item) } : {};
    }
    if (command instanceof QueryCommand) return this.query(command);
    if (command instanceof UpdateCommand) return this.update(command);
    throw new Error('the fake table handles GetItem, Query and UpdateItem only');
  }

  private idOf(key: Item): string {
    return JSON.stringify(this.options.keys.map((name) => key[name]));
  }

  private query(command: QueryCommand): unknown {
    const input = command.input;
    this.sent.push({ name: 'QueryCommand', input });
    if (input.FilterExpression) throw new Error('the fake table does not filter queries');
    const items = [...this.items.values()].filter((item) =>
      holds(input.KeyConditionExpression ?? '', item, input),
    );
    return { Items: items.map((item) => structuredClone(item)), Count: items.length };
  }

  private update(command: UpdateCommand): unknown {
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

/**
 * Several fake tables behind one document client, as a processor sees its tables: each command goes to the
 * table it names. `beforeSend` runs first for every command: throw to fail it, or note when it was sent.
 */
export class FakeDynamoDB {
  readonly sent: { name: string; input: Item }[] = [];
  readonly client: DynamoDBDocumentClient;
  private readonly tables = new Map<string, FakeTable>();

  constructor(
    keysByTable: Readonly<Record<string, readonly string[]>>,
    beforeSend?: (name: string, input: Item) => void,
  ) {
    for (const [name, keys] of Object.entries(keysByTable)) this.tables.set(name, new FakeTable({ keys }));
    this.client = fakeDocumentClient(async (command) => {
      const { input } = command as { input: Item };
      const name = (command as object).constructor.name;
      this.sent.push({ name, input });
      beforeSend?.(name, input);
      return this.table(String(input.TableName)).execute(command);
    });
  }

  table(name: string): FakeTable {
    const table = this.tables.get(name);
    if (!table) throw new Error(`the fake database has no table ${name}`);
    return table;
  }
}
