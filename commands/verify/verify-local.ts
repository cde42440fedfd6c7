import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { readGivenUp } from '../lake/given-up.ts';
import { Lake } from '../lake/lake-views.ts';
import { aggregatePolicy } from '../replay/acceptance-policy.ts';
import { measuresOf, rollupNameOf, scanRollupItems } from '../rollups/rollup-items.ts';
import {
  openSavedState,
  type SavedState,
  withSavedDynamoDb,
  withSavedKinesis,
} from '../shared/saved-state.ts';
import { liveRecountSettings } from '../truth/recount-settings.ts';
import { StreamTruth, type StreamTruthOptions } from '../truth/stream-truth.ts';
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

/** The stream recount of a state folder, caught up to the end of the stream. */
const caughtUpTruth = async (options: StreamTruthOptions): Promise<StreamTruth> => {
  const truth = await StreamTruth.open(options);
  await truth.catchUp();
  return truth;
};

/** Compares a scanned rollups table with the stream recount and the lake of a saved state. */
const verifyWith = async (
  { cloud }: SavedState,
  truth: StreamTruth,
  rollups: Map<string, RollupValues>,
): Promise<VerifyReport> => {
  const lake = await Lake.open(cloud);
  try {
    return await verifyLake({
      stream: truth.recount.rollups.values,
      counters: truth.counters,
      rollups,
      lakeSql: (sql) => lake.rows(sql),
      givenUp: readGivenUp(cloud),
    });
  } finally {
    lake.close();
  }
};

/** For the end of `npm start`: the live cloud's rollups against the stream recount and the lake. */
export const verifyLocalCloud = async (cloud: LocalCloud, stateDir: string): Promise<VerifyReport> => {
  const truth = await caughtUpTruth({
    stateDir,
    kinesis: cloud.clients.kinesis,
    streamName: cloud.resources.eventStream.name,
    settings: liveRecountSettings(cloud),
  });
  const rollups = await scanRollupTable(cloud.clients.documents, cloud.resources.rollupsTable.name);
  return verifyWith(openSavedState(stateDir), truth, rollups);
};

/** The event stream a saved state names; older cloud.json files lack it. */
const eventStreamOf = ({ stateDir, cloud }: SavedState): string => {
  if (!cloud.eventStream) {
    throw new Error(
      `${stateDir}/cloud.json names no event stream (written by an older version): run npm start`,
    );
  }
  return cloud.eventStream;
};

/**
 * After `npm start` has stopped: starts Kinesis on the saved stream to catch the recount up (records put
 * before a crash are there, whatever the producers managed to write down), then DynamoDB Local on the
 * saved tables to read the rollups.
 */
export const verifyStateDir = async (stateDir: string): Promise<VerifyReport> => {
  const saved = openSavedState(stateDir);
  const streamName = eventStreamOf(saved);
  const truth = await withSavedKinesis(saved, (kinesis: KinesisClient) =>
    // The horizon is the one the recount last judged by, taken from the running cloud's template.
    caughtUpTruth({ stateDir, kinesis, streamName, settings: { policy: aggregatePolicy(stateDir).policy } }),
  );
  const rollups = await withSavedDynamoDb(saved, (documents) =>
    scanRollupTable(documents, saved.cloud.rollupsTable),
  );
  return verifyWith(saved, truth, rollups);
};
