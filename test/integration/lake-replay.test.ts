import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';
import type { RejectedRecord } from '../../processors/shared/classify.ts';
import { quarantineKey, quarantineLines } from '../../processors/shared/quarantine.ts';
import { startKinesisProcess } from './support/kinesis-process.ts';

const REPO = join(import.meta.dirname, '..', '..');
const STREAM = 'streamlake-events';
const BUCKET = 'lake-bucket';

let stateDir: string;

/** Kinesis on the saved state for the length of `use`, as the replay tool itself runs it. */
const withKinesis = async <T>(use: (client: KinesisClient) => Promise<T>): Promise<T> => {
  const server = await startKinesisProcess(join(stateDir, 'kinesis'));
  const client = new KinesisClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });
  try {
    return await use(client);
  } finally {
    client.destroy();
    await server.stop();
  }
};

const streamRecords = (client: KinesisClient) =>
  (async () => {
    const shards = (await client.send(new ListShardsCommand({ StreamName: STREAM }))).Shards ?? [];
    const records: { data: string; partitionKey: string }[] = [];
    for (const shard of shards) {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: STREAM,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const page = await client.send(new GetRecordsCommand({ ShardIterator }));
      for (const r of page.Records ?? []) {
        records.push({
          data: Buffer.from(r.Data ?? []).toString('utf8'),
          partitionKey: r.PartitionKey ?? '',
        });
      }
    }
    return records;
  })();

const writeQuarantine = (consumer: string, records: RejectedRecord[]) => {
  const file = join(
    stateDir,
    's3',
    BUCKET,
    `${quarantineKey('quarantine/', records, consumer)}._S3rver_object`,
  );
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, quarantineLines(records));
};

const replay = (...args: string[]) =>
  spawnSync(
    process.execPath,
    ['--import', 'tsx', 'commands/replay/replay-cli.ts', '--state-dir', stateDir, ...args],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  );

const nowValidEvent = JSON.stringify({
  schema: 'clickstream.page_view',
  version: 1,
  eventId: '00000000-0000-4000-8000-0000000000aa',
  eventTime: new Date(Date.now() - 60_000).toISOString(),
  sessionId: 's-fixed',
  page: '/after-the-fix',
});

const rejected = (
  sequenceNumber: string,
  data: string,
  reason: RejectedRecord['reason'],
): RejectedRecord => ({
  reason,
  detail: 'refused before the fix',
  shardId: 'shardId-000000000000',
  sequenceNumber,
  partitionKey: 's-fixed',
  approximateArrivalTimestamp: Date.now() / 1000 - 30,
  data: Buffer.from(data).toString('base64'),
});

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'lake-replay-'));
  writeFileSync(
    join(stateDir, 'cloud.json'),
    JSON.stringify({
      lakeBucket: BUCKET,
      s3Directory: join(stateDir, 's3'),
      rollupsTable: 'rollups',
      eventStream: STREAM,
    }),
  );
  // Active before the server stops: kinesalite writes the stream's new status on a timer after answering.
  await withKinesis(async (client) => {
    await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
    await waitUntilStreamExists({ client, maxWaitTime: 30 }, { StreamName: STREAM });
  });
  // A record an older contract refused (now valid), quarantined by both consumers, and one that is still bad.
  const fixed = rejected(
    '49000000000000000000000000000000000000000000000000000001',
    nowValidEvent,
    'schema-violation',
  );
  const broken = rejected(
    '49000000000000000000000000000000000000000000000000000002',
    '{"schema":',
    'invalid-json',
  );
  writeQuarantine('aggregate', [fixed, broken]);
  writeQuarantine('archive', [fixed, broken]);
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('npm run replay', () => {
  it('--dry-run reports what it would replay and writes nothing', async () => {
    const result = replay('--dry-run');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('quarantined records: 2 (2 duplicate lines');
    expect(result.stdout).toContain('would replay: 1');
    expect(result.stdout).toContain('still failing: 1\n  invalid-json: 1');
    expect(existsSync(join(stateDir, 'replay-ledger.jsonl'))).toBe(false);
    expect(await withKinesis(streamRecords)).toEqual([]);
  });

  it('re-injects a quarantined record that now passes, once, with its original bytes and partition key', async () => {
    const first = replay();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('replayed: 1');
    const second = replay();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('replayed: 0');
    expect(second.stdout).toContain('already replayed: 1');
    expect(await withKinesis(streamRecords)).toEqual([{ data: nowValidEvent, partitionKey: 's-fixed' }]);
    const ledger = readFileSync(join(stateDir, 'replay-ledger.jsonl'), 'utf8').trim().split('\n');
    expect(ledger).toHaveLength(1);
    expect(JSON.parse(ledger[0] ?? '{}')).toMatchObject({
      shardId: 'shardId-000000000000',
      sequenceNumber: '49000000000000000000000000000000000000000000000000000001',
      reason: 'schema-violation',
    });
  });
});
