import { setTimeout as wait } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CloudState } from '../../infra/local/cloud-state.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import type { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { StackResources } from '../../infra/local/stack-resources.ts';
import { errorMessage } from '../../processors/shared/errors.ts';
import { Lake } from '../lake/lake-views.ts';
import { type BackfillReport, type BackfillRequest, backfill } from './backfill.ts';
import { type Checkpoints, checkpointLagMs } from './checkpoint-lag.ts';
import { localLiveSettings } from './live-settings.ts';
import type { RecountEngine } from './recount-engine.ts';

/** What the caller chooses: the rollups, the hours, and how to treat open windows. */
export type BackfillChoice = Pick<
  BackfillRequest,
  'rollups' | 'range' | 'clamp' | 'dryRun' | 'marginMs' | 'now'
>;

/** A local cloud as backfill reaches it, running or started on its saved state. */
export interface LocalTarget {
  /** Where the lake's objects are and the rollups table's name. */
  readonly state: Pick<CloudState, 's3Directory' | 'lakeBucket' | 'rollupsTable'>;
  readonly documents: DynamoDBDocumentClient;
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly checkpoints: Checkpoints;
  readonly resources: StackResources;
}

/** DuckDB's complaint about an object s3rver is still writing (it streams into the object's file in place). */
const PARTIAL_OBJECT = /too small to be a Parquet file|No magic bytes found/;
const ATTEMPTS = 5;

/**
 * DuckDB over the lake's views: the engine of the local recount. Each query opens the views afresh, and
 * is tried again when a file was still being written: the views bind every file of a dataset, also the
 * current hour's, which the live archive may be writing. S3 itself never shows a partial object.
 */
export const lakeEngine = (state: Pick<CloudState, 's3Directory' | 'lakeBucket'>): RecountEngine => {
  const once = async (sql: string) => {
    const lake = await Lake.open(state);
    try {
      return await lake.rows(sql);
    } finally {
      lake.close();
    }
  };
  return {
    name: 'DuckDB over the local lake',
    dialect: 'duckdb',
    rows: async (sql) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(sql);
        } catch (error) {
          if (attempt >= ATTEMPTS || !PARTIAL_OBJECT.test(errorMessage(error))) throw error;
          await wait(200 * attempt);
        }
      }
    },
  };
};

/** How far the local aggregate and archive functions are behind the stream, from their checkpoints. */
export const localConsumerLag = (target: LocalTarget) => () =>
  checkpointLagMs({
    kinesis: target.kinesis,
    streamName: target.streamName,
    checkpoints: target.checkpoints,
    mappingIds: [target.resources.mappings.aggregate.id, target.resources.mappings.archive.id],
    // A duration, measured on the real clock even when a test sets backfill's `now`.
    nowMs: Date.now(),
  });

/** Backfill on a local cloud: DuckDB over its lake, its consumers' settings and checkpoints. */
export const backfillLocal = (target: LocalTarget, choice: BackfillChoice): Promise<BackfillReport> =>
  backfill({
    ...choice,
    ...localLiveSettings(target.resources),
    engine: lakeEngine(target.state),
    documents: target.documents,
    tableName: target.state.rollupsTable,
    consumerLag: localConsumerLag(target),
  });

/** The backfill target of a running local cloud started with `stateDir` (a test's, or npm start's in-process). */
export const localTargetOf = (cloud: LocalCloud, stateDir: string): LocalTarget => ({
  state: readCloudState(stateDir),
  documents: cloud.clients.documents,
  kinesis: cloud.clients.kinesis,
  streamName: cloud.resources.eventStream.name,
  checkpoints: cloud.checkpoints,
  resources: cloud.resources,
});

/** Backfill on a running local cloud started with `stateDir`. */
export const backfillLocalCloud = (
  cloud: LocalCloud,
  stateDir: string,
  choice: BackfillChoice,
): Promise<BackfillReport> => backfillLocal(localTargetOf(cloud, stateDir), choice);
