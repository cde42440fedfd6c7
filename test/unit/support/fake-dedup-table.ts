import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DedupMemory } from '../../../processors/dedup/shard-memory.ts';

export type DedupItem = { pk: string; sk: string; entries: Uint8Array; expiresAt: number };

/** Put and a `pk = :pk AND sk > :from` Query, two items a page: what the dedup memory sends. */
export const fakeDedupTable = () => {
  const items: DedupItem[] = [];
  const sent: string[] = [];
  const client = {
    send: async (command: unknown) => {
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
      throw new Error('the fake dedup table handles Put and Query only');
    },
  } as unknown as DynamoDBDocumentClient;
  return { items, sent, client };
};

/** A consumer's dedup memory on a fresh fake table, with a 15-minute horizon. */
export const dedupMemoryOnFake = (consumer: string, table = fakeDedupTable()) =>
  new DedupMemory({ client: table.client, tableName: 'Dedup', consumer, horizonMs: 15 * 60_000 });
