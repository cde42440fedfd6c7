import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  expectedRollups,
  type RollupValues,
  rollupDifferences,
} from '../../../commands/verify/ground-truth-rollups.ts';
import type { FuzzLedger } from '../ledger.ts';
import { MARKED_DEVICES, MARKED_PAGES, markedDevice, markedPage } from '../markers.ts';

/** The `<pk>`s of the run's marked rollup items: its pages' page views and its devices' readings. */
export const markedRollupKeys = (runId: string): string[] => [
  ...Array.from({ length: MARKED_PAGES }, (_, n) => `page_views#${markedPage(runId, n)}`),
  ...Array.from({ length: MARKED_DEVICES }, (_, n) => `device_readings#${markedDevice(runId, n)}`),
];

const isMarked = (runId: string) => {
  const pks = new Set(markedRollupKeys(runId));
  return (key: string) => pks.has(key.slice(0, key.lastIndexOf(' ')));
};

/** The run's marked rollup items as `<pk> <sk>` → measures, read with one Query per marked pk. */
export const markedRollups = async (
  documents: DynamoDBDocumentClient,
  TableName: string,
  runId: string,
): Promise<Map<string, RollupValues>> => {
  const items = new Map<string, RollupValues>();
  for (const pk of markedRollupKeys(runId)) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const values: RollupValues = {};
        for (const [name, value] of Object.entries(item)) {
          if (typeof value === 'number' && name !== 'expiresAt') values[name] = value;
        }
        items.set(`${item.pk} ${item.sk}`, values);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return items;
};

export interface RollupCheck {
  readonly expectedItems: number;
  readonly differences: string[];
  /** Events counted too few, summed over the items (the count measure). */
  readonly deficitByItem: Map<string, number>;
  /** Events counted too many (malformed records accepted, or counted twice). */
  readonly surplus: number;
}

/** Compares the run's marked rollups with what its valid events imply. */
export const checkMarkedRollups = (
  ledger: FuzzLedger,
  runId: string,
  /** Rollup items as `<pk> <sk>` → measures; only the run's marked items are compared. */
  allActual: ReadonlyMap<string, RollupValues>,
): RollupCheck => {
  const marked = isMarked(runId);
  const expected = new Map([...expectedRollups(ledger.validEvents)].filter(([key]) => marked(key)));
  const actual = new Map([...allActual].filter(([key]) => marked(key)));
  const deficitByItem = new Map<string, number>();
  let surplus = 0;
  for (const [key, values] of expected) {
    const gap = (values.count ?? 0) - (actual.get(key)?.count ?? 0);
    if (gap > 0) deficitByItem.set(key, gap);
    else surplus -= gap;
  }
  for (const [key, values] of actual) if (!expected.has(key)) surplus += values.count ?? 0;
  return {
    expectedItems: expected.size,
    differences: rollupDifferences(expected, actual),
    deficitByItem,
    surplus,
  };
};

/** The minute item (`<pk> <sk>`) a valid event is counted in, among the marked rollups. */
export const markedItemOf = (event: { schema: string; eventTime: string } & Record<string, unknown>) => {
  const minute = `${new Date(Math.floor(Date.parse(event.eventTime) / 60_000) * 60_000).toISOString().slice(0, 16)}Z`;
  return event.schema === 'telemetry.reading'
    ? `device_readings#${String(event.deviceId)} ${minute}`
    : `page_views#${String(event.page)} ${minute}`;
};
