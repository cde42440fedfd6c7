import { Readable } from 'node:stream';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { localClients } from '../../../../../infra/local/clients.ts';
import type { FaultEffect, FaultService } from '../../../../../infra/local/faults/fault-rules.ts';
import { serviceError } from '../../../../../infra/local/faults/service-errors.ts';

/** Answers every request with the fault's response, as a fault proxy would, without a socket. */
const faultHandler = (service: FaultService, effect: FaultEffect, answered: { count: number }) => ({
  handle: async () => {
    answered.count++;
    const { statusCode, headers, body } = serviceError(service, effect);
    return { response: { statusCode, headers, body: Readable.from([Buffer.from(body)]) } };
  },
});

/** The SDK's own reading of each failed attempt (THROTTLING, TRANSIENT, …), and one retry allowed. */
const recordingRetries = (errorTypes: string[]) => {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (
      previous: ReturnType<typeof token>,
      info: { errorType: string },
    ): Promise<ReturnType<typeof token>> => {
      errorTypes.push(info.errorType);
      if (previous.getRetryCount() >= 1) throw new Error('no retry left');
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess: () => undefined,
  };
};

/** One call of each service, through the cloud's own clients configured with the fake handler. */
const calls: Record<FaultService, (config: object) => Promise<unknown>> = {
  kinesis: (config) =>
    clientsWith(config).kinesis.send(
      new PutRecordsCommand({ StreamName: 's', Records: [{ Data: Buffer.from('x'), PartitionKey: 'k' }] }),
    ),
  dynamodb: (config) =>
    clientsWith(config).dynamodb.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } })),
  s3: (config) => clientsWith(config).s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })),
  sns: (config) =>
    clientsWith(config).sns?.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:0:t', Message: 'm' }),
    ) ?? Promise.reject(new Error('no SNS client')),
};

const clientsWith = (config: object) => {
  const clients = localClients({
    kinesis: 'http://127.0.0.1:1',
    dynamodb: 'http://127.0.0.1:2',
    s3: 'http://127.0.0.1:3',
    sns: 'http://127.0.0.1:4',
  });
  for (const client of [clients.kinesis, clients.dynamodb, clients.s3, clients.sns]) {
    Object.assign(client?.config ?? {}, config);
  }
  return clients;
};

/** What a real SDK client makes of a fault's answer: the error's name and how its retry classified it. */
const sdkReading = async (service: FaultService, effect: FaultEffect) => {
  const answered = { count: 0 };
  const errorTypes: string[] = [];
  const thrown = await calls[service]({
    requestHandler: faultHandler(service, effect, answered),
    retryStrategy: async () => recordingRetries(errorTypes),
  }).then(
    () => undefined,
    (error: unknown) => error as { name: string; $metadata?: { httpStatusCode?: number } },
  );
  return {
    name: thrown?.name,
    status: thrown?.$metadata?.httpStatusCode,
    errorTypes,
    attempts: answered.count,
  };
};

describe('the errors a fault answers with, as the real SDK clients read them', () => {
  it.each([
    ['kinesis', 'ProvisionedThroughputExceededException', 400],
    ['dynamodb', 'ThrottlingException', 400],
    ['s3', 'SlowDown', 503],
    ['sns', 'Throttling', 400],
  ] as const)('a %s throttle parses as %s and is retried as throttling', async (service, name, status) => {
    // Act
    const reading = await sdkReading(service, 'throttle');

    // Assess
    expect(reading).toEqual({ name, status, errorTypes: ['THROTTLING', 'THROTTLING'], attempts: 2 });
  });

  it.each([
    ['kinesis', 'ServiceUnavailable'],
    ['dynamodb', 'ServiceUnavailable'],
    ['s3', 'ServiceUnavailable'],
    ['sns', 'ServiceUnavailable'],
  ] as const)('%s unavailable is a 503 %s, retried as transient', async (service, name) => {
    // Act
    const reading = await sdkReading(service, 'unavailable');

    // Assess
    expect(reading).toEqual({ name, status: 503, errorTypes: ['TRANSIENT', 'TRANSIENT'], attempts: 2 });
  });

  it('speaks each protocol: JSON 1.1 for Kinesis, JSON 1.0 for DynamoDB, XML for S3 and SNS', () => {
    expect(serviceError('kinesis', 'throttle').headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(serviceError('dynamodb', 'throttle').headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(serviceError('s3', 'throttle').body).toMatch(/^<\?xml.*<Error><Code>SlowDown<\/Code>/s);
    expect(serviceError('sns', 'throttle').body).toMatch(/<ErrorResponse .*<Code>Throttling<\/Code>/);
  });
});
