import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DedupMemory } from '../../../processors/dedup/shard-memory.ts';

export type DedupItem = { pk: string; sk: string; entries: Uint8Array; expiresAt: number; batchId?: string };

/** An item written by UpdateItem (the archive's intent), by `<pk> <sk>`. */
export type UpdatedItem = Record<string, unknown>;

/**
 * `SET a = :a, b = :b` with `attribute_not_exists(x)` or `x = :y` as condition: what the archive's intent sends.
 * A failed condition throws an error named as DynamoDB names it.
 */
const update = (updated: Map<string, UpdatedItem>, command: UpdateCommand) => {
  const {
    Key,
    UpdateExpression,
    ConditionExpression,
    ExpressionAttributeValues: values = {},
  } = command.input;
  const id = `${Key?.pk} ${Key?.sk}`;
  const current = updated.get(id);
  const [, absent] = /^attribute_not_exists\((\w+)\)$/.exec(ConditionExpression ?? '') ?? [];
  const [, name, value] = /^(\w+) = (:\w+)$/.exec(ConditionExpression ?? '') ?? [];
  const holds =
    !ConditionExpression ||
    (absent !== undefined && current?.[absent] === undefined) ||
    (name !== undefined && value !== undefined && current?.[name] === values[value]);
  if (!holds)
    throw Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
  const next: UpdatedItem = { ...current, ...Key };
  for (const assignment of (UpdateExpression ?? '').replace(/^SET /, '').split(',')) {
    const [attribute, placeholder] = assignment.split('=').map((part) => part.trim());
    if (attribute && placeholder) next[attribute] = structuredClone(values[placeholder]);
  }
  updated.set(id, next);
};

/**
 * Put and a `pk = :pk AND sk > :from` Query, two items a page: what the dedup memory sends; Get and Update of
 * other items (the archive's intent) beside them.
 */
export const fakeDedupTable = () => {
  const items: DedupItem[] = [];
  const updated = new Map<string, UpdatedItem>();
  const sent: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetCommand) {
        sent.push('Get');
        const item = updated.get(`${command.input.Key?.pk} ${command.input.Key?.sk}`);
        return item ? { Item: structuredClone(item) } : {};
      }
      if (command instanceof UpdateCommand) {
        sent.push('Update');
        update(updated, command);
        return {};
      }
      if (command instanceof PutCommand) {
        sent.push('Put');
        items.push(structuredClone(command.input.Item as DedupItem));
        return {};
      }
      if (command instanceof QueryCommand) {
        sent.push('Query');
        const values = command.input.ExpressionAttributeValues as { ':pk': string; ':from': string };
        const after = (command.input.ExclusiveStartKey?.sk as string | undefined) ?? values[':from'];
        const matching = items
          .filter((item) => item.pk === values[':pk'] && item.sk > after)
          .sort((a, b) => (a.sk < b.sk ? -1 : 1));
        const page = matching.slice(0, 2);
        const last = page.at(-1);
        return {
          Items: structuredClone(page),
          ...(matching.length > 2 && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
        };
      }
      throw new Error('the fake dedup table handles Put, Query, Get and Update only');
    },
  } as unknown as DynamoDBDocumentClient;
  return { items, updated, sent, client };
};

/** A consumer's dedup memory on a fresh fake table, with a 15-minute horizon. */
export const dedupMemoryOnFake = (consumer: string, table = fakeDedupTable()) =>
  new DedupMemory({ client: table.client, tableName: 'Dedup', consumer, horizonMs: 15 * 60_000 });
