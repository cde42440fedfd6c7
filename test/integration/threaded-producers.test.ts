import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProducersInThread } from '../../commands/start/threaded-producers.ts';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import type { ProducerProgress } from '../../producers/progress.ts';

type Started = Awaited<ReturnType<typeof startKinesis>>;

/** Records the stream's one shard holds, read from its start to its end. */
const recordsIn = async (endpoint: string): Promise<number> => {
  const kinesis = localKinesisClient(endpoint);
  let iterator = (
    await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: 'events',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    )
  ).ShardIterator;
  let count = 0;
  for (let page = 0; iterator && page < 1_000; page++) {
    const read = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    count += read.Records?.length ?? 0;
    iterator = read.NextShardIterator;
    if ((read.Records?.length ?? 0) === 0 && read.MillisBehindLatest === 0) break;
  }
  kinesis.destroy();
  return count;
};

const traffic = { rate: 500, forever: false, seed: 7, devices: 5, poisonRate: 0 } as const;

describe("the demo's simulators on a thread of their own", () => {
  const scratch = mkdtempSync(join(tmpdir(), 'streamlake-threaded-'));
  let server: Started;
  beforeAll(async () => {
    server = await startKinesis(await freePort(), join(scratch, 'kinesis'), { trimEveryMs: 0 });
    const kinesis = localKinesisClient(server.endpoint);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'events', ShardCount: 1 }));
    await waitUntilStreamExists(
      { client: kinesis, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
      { StreamName: 'events' },
    );
    kinesis.destroy();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('stops generating when told, sends what it generated, and reports progress and the summary back', async () => {
    // Prepare
    const stop = new AbortController();
    const progress: ProducerProgress[] = [];
    // Act
    const running = runProducersInThread(
      { run: { ...traffic, streamName: 'events', durationSeconds: 600 }, kinesisEndpoint: server.endpoint },
      stop.signal,
      (report) => {
        progress.push(report);
        if (report.sent >= 300) stop.abort();
      },
    );
    const summary = await running;
    // Assess
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.sent).toBeGreaterThanOrEqual(300);
    expect(summary.sent).toBe(summary.generated);
    expect(summary.unsentCount).toBe(0);
    expect(progress.length).toBeGreaterThan(1);
    expect(await recordsIn(server.endpoint)).toBe(summary.sent);
  });

  it("fails with the thread's error, naming what went wrong, when the run cannot start", async () => {
    await expect(
      runProducersInThread(
        {
          run: { ...traffic, rate: 0, streamName: 'events', durationSeconds: 1 },
          kinesisEndpoint: server.endpoint,
        },
        new AbortController().signal,
      ),
    ).rejects.toThrow('rate must be between 1 and 1000000 inclusive (given 0)');
  });
});
