import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface LocalEndpoints {
  readonly kinesis: string;
  readonly dynamodb: string;
  readonly s3: string;
  /** The local SNS server, when the cloud runs one. */
  readonly sns?: string;
}

/** s3rver accepts only its own fixed key pair; kinesalite and DynamoDB Local (shared db) accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const LOCAL_REGION = 'us-east-1';
/** The account every local ARN names. */
export const LOCAL_ACCOUNT_ID = '000000000000';

const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

/** A Kinesis client for kinesalite, which speaks HTTP/1.1 only (the SDK's Kinesis default is HTTP/2). */
export const localKinesisClient = (endpoint: string): KinesisClient =>
  new KinesisClient({
    ...base,
    endpoint,
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } }),
  });

/** A DynamoDB client for DynamoDB Local. */
export const localDynamoDbClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({ ...base, endpoint });

/** The local cloud's SDK clients, configured once for the local servers' wire quirks. */
export const localClients = (endpoints: LocalEndpoints) => {
  const dynamodb = localDynamoDbClient(endpoints.dynamodb);
  return {
    kinesis: localKinesisClient(endpoints.kinesis),
    dynamodb,
    // DynamoDB Local serves the Streams API on the same endpoint as DynamoDB.
    dynamodbStreams: new DynamoDBStreamsClient({ ...base, endpoint: endpoints.dynamodb }),
    sns: endpoints.sns ? new SNSClient({ ...base, endpoint: endpoints.sns }) : undefined,
    documents: DynamoDBDocumentClient.from(dynamodb),
    // s3rver rejects streaming checksums and virtual-host addressing.
    s3: new S3Client({
      ...base,
      endpoint: endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
};
export type LocalClients = ReturnType<typeof localClients>;

/** Environment that points a process's SDK v3 clients at the local servers. */
export const localAwsEnvironment = (endpoints: LocalEndpoints): Record<string, string> => ({
  AWS_REGION: LOCAL_REGION,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
  AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: endpoints.s3,
  ...(endpoints.sns ? { AWS_ENDPOINT_URL_SNS: endpoints.sns } : {}),
});
