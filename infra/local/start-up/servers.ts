import type { LocalEndpoints } from '../clients.ts';
import { type DynamoDbExitReport, type DynamoDbServer, startDynamoDb } from '../servers/dynamodb-server.ts';
import {
  type KinesisServer,
  type LocalServer,
  type PutRecordsTotal,
  startKinesis,
} from '../servers/kinesis-server.ts';
import type { ObjectCreated } from '../servers/s3-server.ts';
import { startS3 } from '../servers/s3-server.ts';
import { type LocalSns, type PublishedMessage, startSns } from '../servers/sns-server.ts';
import type { CloudFolders } from './folders.ts';
import type { ServicePorts } from './ports.ts';

/** The four local services, running. */
export interface CloudServers {
  readonly kinesis: KinesisServer;
  readonly dynamodb: DynamoDbServer;
  readonly s3: LocalServer;
  readonly sns: LocalSns;
  readonly endpoints: LocalEndpoints;
}

/** What the servers report as they serve (the metrics they measure, the alerts published). */
export interface ServerHooks {
  readonly onPuts: (totals: readonly PutRecordsTotal[]) => void;
  readonly onObjectCreated: (object: ObjectCreated) => void;
  readonly onPublish: (message: PublishedMessage) => void;
  /** DynamoDB Local exited unasked, and was restarted or not. @default its message on stderr */
  readonly onDynamoDbExit?: (report: DynamoDbExitReport) => void;
}

/** A server that dies under a running cloud is news for whoever watches its terminal. */
const toStderr = (report: DynamoDbExitReport) => process.stderr.write(`${report.message}\n`);

/**
 * Starts Kinesis, DynamoDB Local, S3 and SNS, one after the other, keeping their data where `folders`
 * says. If one fails to start, those already started are stopped before the failure is passed on.
 */
export const startServers = async (
  ports: ServicePorts,
  folders: CloudFolders,
  hooks: ServerHooks,
): Promise<CloudServers> => {
  const started: LocalServer[] = [];
  const kept = async <S extends LocalServer>(starting: Promise<S>): Promise<S> => {
    const server = await starting;
    started.push(server);
    return server;
  };
  try {
    const kinesis = await kept(startKinesis(ports.kinesis, folders.kinesisData, { onPuts: hooks.onPuts }));
    const dynamodb = await kept(
      startDynamoDb(ports.dynamodb, folders.dynamoDbData, { onExit: hooks.onDynamoDbExit ?? toStderr }),
    );
    const s3 = await kept(startS3(ports.s3, folders.s3Data, { onObjectCreated: hooks.onObjectCreated }));
    const sns = await kept(
      startSns(ports.sns, {
        ...(folders.snsState ? { statePath: folders.snsState } : {}),
        onPublish: hooks.onPublish,
      }),
    );
    const endpoints = {
      kinesis: kinesis.endpoint,
      dynamodb: dynamodb.endpoint,
      s3: s3.endpoint,
      sns: sns.endpoint,
    };
    return { kinesis, dynamodb, s3, sns, endpoints };
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
};

/** Stops every server, whatever fails: SNS first finishes delivering what was published. */
export const stopServers = async (servers: CloudServers): Promise<void> => {
  await servers.sns.drain();
  await Promise.allSettled(
    [servers.kinesis, servers.dynamodb, servers.s3, servers.sns].map((server) => server.stop()),
  );
};
