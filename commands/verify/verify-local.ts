import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { readGroundTruth } from '../../producers/ground-truth.ts';
import { readGivenUp } from '../lake/given-up.ts';
import { Lake } from '../lake/lake-views.ts';
import { readLedger } from '../replay/quarantine-files.ts';
import { replayedGroundTruth } from '../replay/replay-plan.ts';
import { measuresOf, rollupNameOf, scanRollupItems } from '../rollups/rollup-items.ts';
import { openSavedState, type SavedState, withSavedDynamoDb } from '../shared/saved-state.ts';
import type { RollupValues } from './ground-truth-rollups.ts';
import { type VerifyReport, verifyLake } from './verify-lake.ts';

/** The rollups table as `<pk> <sk>` → the measures each item's rollup declares. */
export const scanRollupTable = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<Map<string, RollupValues>> => {
  const byName = new Map(ROLLUPS.map((rollup) => [rollup.name, rollup]));
  const items = new Map<string, RollupValues>();
  for (const item of await scanRollupItems(documents, tableName)) {
    items.set(`${item.pk} ${item.sk}`, measuresOf(item, byName.get(rollupNameOf(String(item.pk)))));
  }
  return items;
};

/** Ground truth of the last run, plus the events replayed into the stream since (they count too). */
const groundTruthOf = async (stateDir: string) => {
  const file = join(stateDir, 'ground-truth.jsonl');
  if (!existsSync(file))
    throw new Error(`no ground truth at ${file}: run npm start first, or pass --state-dir`);
  return [...(await readGroundTruth(file)), ...replayedGroundTruth(readLedger(stateDir))];
};

/** Compares a scanned rollups table with the ground truth and the lake of a saved state. */
const verifyWith = async (
  { stateDir, cloud }: SavedState,
  scan: (tableName: string) => Promise<Map<string, RollupValues>>,
): Promise<VerifyReport> => {
  const groundTruth = await groundTruthOf(stateDir);
  const rollups = await scan(cloud.rollupsTable);
  const lake = await Lake.open(cloud);
  try {
    return await verifyLake({
      groundTruth,
      rollups,
      lakeSql: (sql) => lake.rows(sql),
      givenUp: readGivenUp(cloud),
    });
  } finally {
    lake.close();
  }
};

/** For the end of `npm start`: the live cloud's rollups against its ground truth and lake. */
export const verifyLocalCloud = async (cloud: LocalCloud, stateDir: string): Promise<VerifyReport> =>
  verifyWith(openSavedState(stateDir), (tableName) => scanRollupTable(cloud.clients.documents, tableName));

/** After `npm start` has stopped: starts DynamoDB Local on the saved state to read the rollups. */
export const verifyStateDir = (stateDir: string): Promise<VerifyReport> => {
  const saved = openSavedState(stateDir);
  return withSavedDynamoDb(saved, (documents) =>
    verifyWith(saved, (tableName) => scanRollupTable(documents, tableName)),
  );
};
