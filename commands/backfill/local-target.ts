import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClients } from '../../infra/local/clients.ts';
import { CheckpointStore } from '../../infra/local/esm/checkpoints.ts';
import { type SavedState, withSavedDynamoDb, withSavedKinesis } from '../shared/saved-state.ts';
import { savedStackResources } from './live-settings.ts';
import type { LocalTarget } from './local-backfill.ts';

/** Whether the DynamoDB Local a running `npm start` named in cloud.json answers and holds the rollups table. */
const runningDynamoDb = async (endpoint: string, table: string): Promise<boolean> => {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 3_000 }),
  });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames?.includes(table) ?? false;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
};

/**
 * Runs `use` on the local cloud of a state folder: the servers of a running `npm start` (their endpoints
 * in cloud.json), so backfill runs beside the live pipeline; else DynamoDB Local and Kinesis started on
 * the saved state for the length of `use`. The checkpoints are the mappings' durable file either way.
 */
export const withLocalTarget = async <T>(
  saved: SavedState,
  use: (target: LocalTarget) => Promise<T>,
): Promise<T> => {
  const { stateDir, cloud } = saved;
  const streamName = cloud.eventStream;
  if (!streamName)
    throw new Error(`${stateDir}/cloud.json names no event stream (an older npm start): run npm start`);
  const base = {
    state: cloud,
    streamName,
    checkpoints: new CheckpointStore(join(stateDir, 'checkpoints.json')),
    resources: savedStackResources(stateDir),
  };
  if (cloud.endpoints && (await runningDynamoDb(cloud.endpoints.dynamodb, cloud.rollupsTable))) {
    const clients = localClients(cloud.endpoints);
    try {
      return await use({ ...base, documents: clients.documents, kinesis: clients.kinesis });
    } finally {
      for (const client of [
        clients.dynamodb,
        clients.kinesis,
        clients.dynamodbStreams,
        clients.s3,
        clients.sns,
      ])
        client?.destroy();
    }
  }
  return withSavedDynamoDb(saved, (documents) =>
    withSavedKinesis(saved, (kinesis) => use({ ...base, documents, kinesis })),
  );
};
