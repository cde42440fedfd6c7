import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDynamoDbClient, localKinesisClient } from '../../infra/local/clients.ts';
import { type CloudState, readCloudState } from '../../infra/local/cloud-state.ts';
import { startDynamoDb } from '../../infra/local/servers/dynamodb-server.ts';
import { startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { errorMessage } from '../../processors/shared/errors.ts';

/**
 * What the last `npm start` left in a state folder, for the commands that run after it stopped: its
 * `cloud.json` (names of the table, buckets and stream; where s3rver keeps the objects) and the folders
 * the servers keep their data in, each server started on it only while a command needs it.
 */
export interface SavedState {
  readonly stateDir: string;
  readonly cloud: CloudState;
}

/** Reads `<stateDir>/cloud.json`; throws saying to run `npm start` first when there is none. */
export const openSavedState = (stateDir: string): SavedState => ({
  stateDir,
  cloud: readCloudState(stateDir),
});

/**
 * Runs a command on the saved state of `stateDir`; when there is none, says so (`error: …`) and returns
 * exit status 2 without running it.
 */
export const withSavedState = async (
  stateDir: string,
  use: (saved: SavedState) => Promise<number>,
): Promise<number> => {
  let saved: SavedState;
  try {
    saved = openSavedState(stateDir);
  } catch (error) {
    console.error(`error: ${errorMessage(error)}`);
    return 2;
  }
  return use(saved);
};

/** A server started for one command, and the client that talks to it. */
interface SavedServer<C> {
  readonly client: C;
  close(): Promise<void>;
}

const withServer = async <C, T>(
  started: Promise<SavedServer<C>>,
  use: (client: C) => Promise<T>,
): Promise<T> => {
  const server = await started;
  try {
    return await use(server.client);
  } finally {
    await server.close();
  }
};

const startSavedDynamoDb = async (saved: SavedState): Promise<SavedServer<DynamoDBDocumentClient>> => {
  const server = await startDynamoDb(await freePort(), join(saved.stateDir, 'dynamodb'));
  const client = localDynamoDbClient(server.endpoint);
  return {
    client: DynamoDBDocumentClient.from(client),
    close: async () => {
      client.destroy();
      await server.stop();
    },
  };
};

const startSavedKinesis = async (saved: SavedState): Promise<SavedServer<KinesisClient>> => {
  const server = await startKinesis(await freePort(), join(saved.stateDir, 'kinesis'));
  const client = localKinesisClient(server.endpoint);
  return {
    client,
    close: async () => {
      client.destroy();
      await server.stop();
    },
  };
};

/** DynamoDB Local started on the saved tables for the duration of `use`, then stopped (client and server). */
export const withSavedDynamoDb = <T>(
  saved: SavedState,
  use: (documents: DynamoDBDocumentClient) => Promise<T>,
): Promise<T> => withServer(startSavedDynamoDb(saved), use);

/** Kinesis started on the saved streams for the duration of `use`, then stopped (client and server). */
export const withSavedKinesis = <T>(
  saved: SavedState,
  use: (kinesis: KinesisClient) => Promise<T>,
): Promise<T> => withServer(startSavedKinesis(saved), use);
