import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './clients.ts';
import { startDynamoDb } from './servers/dynamodb-server.ts';
import { freePort } from './servers/ports.ts';

/**
 * For commands run after `npm start` has stopped: DynamoDB Local started on the saved state for the
 * duration of `use`, then stopped (client and server) whatever `use` does.
 */
export const withSavedDynamoDb = async <T>(
  stateDir: string,
  use: (documents: DynamoDBDocumentClient) => Promise<T>,
): Promise<T> => {
  const server = await startDynamoDb(await freePort(), join(stateDir, 'dynamodb'));
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await use(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
    await server.stop();
  }
};
