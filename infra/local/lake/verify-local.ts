import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { readGroundTruth } from '../../../producers/ground-truth.ts';
import { readCloudState } from '../cloud-state.ts';
import type { LocalCloud } from '../local-cloud.ts';
import { withSavedDynamoDb } from '../saved-dynamodb.ts';
import { readGivenUp } from './given-up.ts';
import type { RollupValues } from './ground-truth-rollups.ts';
import { Lake } from './lake-views.ts';
import { readLedger } from './quarantine-files.ts';
import { replayedGroundTruth } from './replay-plan.ts';
import { type VerifyReport, verifyLake } from './verify-lake.ts';

/** The rollups table as `<pk> <sk>` → numeric attributes (marks are strings; the TTL is left out). */
export const scanRollupTable = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<Map<string, RollupValues>> => {
  const items = new Map<string, RollupValues>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      const values: RollupValues = {};
      for (const [name, value] of Object.entries(item)) {
        if (typeof value === 'number' && name !== 'expiresAt') values[name] = value;
      }
      items.set(`${item.pk} ${item.sk}`, values);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/** Ground truth of the last run, plus the events replayed into the stream since (they count too). */
const groundTruthOf = async (stateDir: string) => {
  const file = join(stateDir, 'ground-truth.jsonl');
  if (!existsSync(file))
    throw new Error(`no ground truth at ${file}: run npm start first, or pass --state-dir`);
  return [...(await readGroundTruth(file)), ...replayedGroundTruth(readLedger(stateDir))];
};

/** Compares a scanned rollups table with the ground truth and the lake of `stateDir`. */
const verifyWith = async (
  stateDir: string,
  scan: (tableName: string) => Promise<Map<string, RollupValues>>,
): Promise<VerifyReport> => {
  const state = readCloudState(stateDir);
  const groundTruth = await groundTruthOf(stateDir);
  const rollups = await scan(state.rollupsTable);
  const lake = await Lake.open(state);
  try {
    return await verifyLake({
      groundTruth,
      rollups,
      lakeSql: (sql) => lake.rows(sql),
      givenUp: readGivenUp(state),
    });
  } finally {
    lake.close();
  }
};

/** For the end of `npm start`: the live cloud's rollups against its ground truth and lake. */
export const verifyLocalCloud = (cloud: LocalCloud, stateDir: string): Promise<VerifyReport> =>
  verifyWith(stateDir, (tableName) => scanRollupTable(cloud.clients.documents, tableName));

/** After `npm start` has stopped: starts DynamoDB Local on the saved state to read the rollups. */
export const verifyStateDir = (stateDir: string): Promise<VerifyReport> => {
  readCloudState(stateDir);
  return withSavedDynamoDb(stateDir, (documents) =>
    verifyWith(stateDir, (tableName) => scanRollupTable(documents, tableName)),
  );
};
