import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, type KinesisClient, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamTruth } from '../../commands/truth/stream-truth.ts';
import { expectedRollups, rollupDifferences } from '../../commands/verify/ground-truth-rollups.ts';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { type LocalServer, startKinesis } from '../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { asRecords, sampleEvents } from './support/events.ts';

const REPO = join(import.meta.dirname, '..', '..');
const SETTINGS = {
  policy: { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 },
  horizonMs: 900_000,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async (check: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000}s`);
    await sleep(20);
  }
};

/** What the saved recount has read, or 0 before its first save. */
const savedRead = (stateDir: string): number => {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'truth.json'), 'utf8')).recount.counters.read;
  } catch {
    return 0;
  }
};

describe('the stream recount killed with SIGKILL mid-catch-up', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-truth-kill-'));
  let server: LocalServer;
  let kinesis: KinesisClient;
  const events = sampleEvents(1200);
  // A producer's retries: every 10th event again, in a later PutRecords (same partition key, same shard).
  const retried = events.filter((_, i) => i % 10 === 0);

  beforeAll(async () => {
    server = await startKinesis(await freePort(), join(stateDir, 'kinesis'));
    kinesis = localKinesisClient(server.endpoint);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'events', ShardCount: 2 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30, minDelay: 1 }, { StreamName: 'events' });
    const { PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
    for (const chunk of [events.slice(0, 500), events.slice(500, 1000), events.slice(1000), retried]) {
      const put = await kinesis.send(
        new PutRecordsCommand({
          StreamName: 'events',
          Records: asRecords(chunk).map((r) => ({ Data: Buffer.from(r.data), PartitionKey: r.partitionKey })),
        }),
      );
      expect(put.FailedRecordCount).toBe(0);
    }
  });
  afterAll(async () => {
    kinesis?.destroy();
    await server?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('resumes from its last save to exactly the sums of one pass: each event once, duplicates counted', async () => {
    // Prepare: a recount in a child process, slowed down (30 ms a call, 50 records a page, saved every 100).
    const script = `
      import { StreamTruth } from './commands/truth/stream-truth.ts';
      import { localKinesisClient } from './infra/local/clients.ts';
      const kinesis = localKinesisClient(${JSON.stringify(server.endpoint)});
      const send = kinesis.send.bind(kinesis);
      kinesis.send = async (command) => { await new Promise((r) => setTimeout(r, 30)); return send(command); };
      const truth = await StreamTruth.open({ stateDir: ${JSON.stringify(stateDir)}, kinesis, streamName: 'events',
        settings: ${JSON.stringify(SETTINGS)}, pageLimit: 50, saveEveryRecords: 100 });
      await truth.catchUp();
      console.log('caught up');`;
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    const closed = new Promise((resolve) => child.once('close', resolve));
    // Act: SIGKILL once it has saved a few times, then a second catch-up on the same state.
    await waitFor(() => savedRead(stateDir) >= 300, 60_000, 'the recount saving 300 records');
    child.kill('SIGKILL');
    await closed;
    const killedAt = savedRead(stateDir);
    const truth = await StreamTruth.open({ stateDir, kinesis, streamName: 'events', settings: SETTINGS });
    await truth.catchUp();

    // Assert: cut mid-way, resumed to every record once; each duplicate left out, each event counted once.
    expect(stdout).not.toContain('caught up');
    expect(killedAt).toBeLessThan(events.length + retried.length);
    expect(truth.counters).toEqual({
      read: events.length + retried.length,
      accepted: events.length,
      quarantined: {},
      producerDuplicates: retried.length,
    });
    // Sums compare within the decimal-vs-binary tolerance: one pass adds in another order across shards.
    expect(rollupDifferences(expectedRollups(events), truth.recount.rollups.values)).toEqual([]);
    expect(existsSync(join(stateDir, 'truth.json.tmp'))).toBe(false);
  });
});
