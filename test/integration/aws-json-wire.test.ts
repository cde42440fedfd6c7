import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, PutRecordCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsJsonError, AwsJsonWire, KINESIS_JSON } from '../../infra/local/aws-json-wire.ts';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { isTransient } from '../../infra/local/esm/transient-errors.ts';
import { startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';

type Started = Awaited<ReturnType<typeof startKinesis>>;

describe('the AWS JSON protocol on the wire, against kinesalite', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'streamlake-wire-'));
  let server: Started;
  let wire: AwsJsonWire;
  beforeAll(async () => {
    server = await startKinesis(await freePort(), join(scratch, 'kinesis'), { trimEveryMs: 0 });
    wire = new AwsJsonWire(server.endpoint, KINESIS_JSON);
    const sdk = localKinesisClient(server.endpoint);
    await sdk.send(new CreateStreamCommand({ StreamName: 'events', ShardCount: 1 }));
    await waitUntilStreamExists(
      { client: sdk, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
      { StreamName: 'events' },
    );
    await sdk.send(
      new PutRecordCommand({ StreamName: 'events', PartitionKey: 'k', Data: Buffer.from('{"a":"é"}') }),
    );
    sdk.destroy();
  });
  afterAll(async () => {
    wire.destroy();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reads records with their data as the base64 the server sent, and the next iterator', async () => {
    const { ShardIterator } = await wire.call<{ ShardIterator: string }>('GetShardIterator', {
      StreamName: 'events',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const page = await wire.call<{
      Records: { Data: string; PartitionKey: string; ApproximateArrivalTimestamp: number }[];
      NextShardIterator: string;
    }>('GetRecords', { ShardIterator, Limit: 10 });
    expect(page.Records).toHaveLength(1);
    expect(Buffer.from(page.Records[0]?.Data ?? '', 'base64').toString()).toBe('{"a":"é"}');
    expect(page.Records[0]?.PartitionKey).toBe('k');
    expect(page.Records[0]?.ApproximateArrivalTimestamp).toBeGreaterThan(1.7e9);
    expect(page.NextShardIterator).toEqual(expect.any(String));
  });

  it("names a service error by its type, with the service's status, as SDK errors are", async () => {
    const refused = await wire
      .call('GetRecords', { ShardIterator: 'not-an-iterator', Limit: 10 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AwsJsonError);
    expect(refused).toMatchObject({ name: 'InvalidArgumentException', $metadata: { httpStatusCode: 400 } });
    const missing = await wire
      .call('DescribeStream', { StreamName: 'absent' })
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
  });

  it('hands a body through as it is, and the answer back as it came (API Gateway integrations)', async () => {
    const answer = await wire.send(
      'PutRecords',
      '{"StreamName":"events","Records":[{"PartitionKey":"k","Data":"@@"}]}',
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ __type: 'SerializationException' });
    expect(answer.headers['content-type']).toBe('application/x-amz-json-1.1');
  });

  it('keeps the status of an error answer that is not the service JSON (a proxy, a dying server): 5xx is transient', async () => {
    const proxy = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('Service Unavailable');
    });
    await new Promise<void>((listening) => proxy.listen(0, '127.0.0.1', listening));
    const { port } = proxy.address() as AddressInfo;
    const behind = new AwsJsonWire(`http://127.0.0.1:${port}`, KINESIS_JSON);
    const failed = await behind.call('GetRecords', { ShardIterator: 'x' }).catch((error: unknown) => error);
    behind.destroy();
    await new Promise((closed) => proxy.close(closed));
    expect(failed).toMatchObject({ name: 'UnknownError', $metadata: { httpStatusCode: 503 } });
    expect(isTransient(failed)).toBe(true);
  });

  it("names an error as the SDK does: the x-amzn-errortype header first, without a namespace or a ':' suffix", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(400, {
        'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/',
      });
      response.end('{"__type":"com.amazon.coral.service#SomethingElse"}');
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const wire = new AwsJsonWire(`http://127.0.0.1:${port}`, KINESIS_JSON);
    const failed = await wire.call('GetRecords', {}).catch((error: unknown) => error);
    wire.destroy();
    await new Promise((closed) => server.close(closed));
    expect(failed).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
  });

  it('sends a request again, once, on a new connection when the kept-alive one it reused was closed', async () => {
    // A server that answers the first request on a connection, then resets it at the next (as one closing an idle
    // kept-alive connection does, racing the client's reuse); a new connection is served again.
    let connections = 0;
    const server = createNetServer((socket) => {
      connections++;
      let served = 0;
      socket.on('data', () => {
        if (served++ > 0) {
          socket.resetAndDestroy();
          return;
        }
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}',
        );
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const wire = new AwsJsonWire(`http://127.0.0.1:${port}`, KINESIS_JSON);
    const first = await wire.send('ListStreams', '{}');
    const second = await wire.send('ListStreams', '{}');
    wire.destroy();
    await new Promise((closed) => server.close(closed));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(connections).toBe(2);
  });

  it('fails with the connection error when nothing listens', async () => {
    const nowhere = new AwsJsonWire(`http://127.0.0.1:${await freePort()}`, KINESIS_JSON);
    await expect(nowhere.call('ListStreams', {})).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    nowhere.destroy();
  });
});
