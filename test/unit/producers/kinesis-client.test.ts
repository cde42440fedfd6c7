import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { createKinesisClient, kinesisClientConfig } from '../../../producers/kinesis-client.ts';

describe('producer Kinesis client', () => {
  it('talks to AWS with default settings when no endpoint is set', () => {
    // Act
    const config = kinesisClientConfig({ env: {} });
    // Assess
    expect(config).toEqual({ region: 'us-east-1' });
  });

  it('uses an HTTP/1.1 handler and dummy credentials for a local endpoint from the environment', () => {
    // Act
    const config = kinesisClientConfig({
      env: { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567', AWS_REGION: 'eu-west-1' },
    });
    // Assess
    expect(config).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4567',
      credentials: { accessKeyId: 'local' },
    });
    expect(config.requestHandler).toBeInstanceOf(NodeHttpHandler);
  });

  it('keeps real credentials and prefers an explicit endpoint', () => {
    // Act
    const config = kinesisClientConfig({
      endpoint: 'http://localhost:9999',
      env: { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' },
    });
    // Assess
    expect(config.endpoint).toBe('http://localhost:9999');
    expect(config.credentials).toBeUndefined();
  });

  it('creates a client configured for the endpoint', async () => {
    // Act
    const client = createKinesisClient({ endpoint: 'http://127.0.0.1:4567', region: 'us-west-2', env: {} });
    // Assess
    expect(await client.config.region()).toBe('us-west-2');
    const endpoint = await client.config.endpoint?.();
    expect(`${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`).toBe('http://127.0.0.1:4567');
    client.destroy();
  });
});
