import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLakeObjects } from '../../commands/lake/lake-writer.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/clients.ts';
import { startDynamoDb } from '../../infra/local/servers/dynamodb-server.ts';
import { freePort } from '../../infra/local/servers/ports.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { sampleEvents } from './support/events.ts';

const REPO = join(import.meta.dirname, '..', '..');
/** The tsx that `npm run` and `npx tsx` run (called directly: npm's own start-up adds nothing but time). */
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const TABLE = 'streamlake-rollups';
const BUCKET = 'lake-bucket';
/** More device_readings items than a pipe holds (≈ 64 KB) once printed as a table. */
const DEVICE_ITEMS = 1_200;
const events = sampleEvents(400, Date.parse('2026-11-22T05:30:00Z'));
const clickstreamEvents = events.filter((e) => e.schema.startsWith('clickstream.')).length;

let stateDir: string;
let rollupsTableWritten: Promise<void> | undefined;

interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command as `npm run` does (`tsx <script>`: a wrapper process whose child inherits the pipes),
 * stdout and stderr each a pipe to this process, and waits for it to end. `input` is written to stdin,
 * which stays open unless `endInput`.
 */
const runTsx = (
  script: string,
  args: readonly string[],
  { input, endInput = true }: { input?: string; endInput?: boolean } = {},
) =>
  new Promise<Finished>((resolve, reject) => {
    const child = spawn(TSX, [script, ...args], { cwd: REPO, stdio: 'pipe' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (status) =>
      resolve({
        status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    if (input !== undefined) child.stdin.write(input);
    if (endInput) child.stdin.end();
  });

const query = (...args: string[]) =>
  runTsx('commands/query/query-cli.ts', ['--state-dir', stateDir, ...args]);
const rollups = (...args: string[]) => runTsx('commands/rollups/rollups-cli.ts', args);

const lineCount = (text: string) => text.split('\n').length - 1;
const STACK_FRAME = /\n\s+at /;

/** The rollups table with DEVICE_ITEMS device_readings items and two purchase minutes. */
const writeRollupsTable = async () => {
  const server = await startDynamoDb(await freePort(), join(stateDir, 'dynamodb'));
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const documents = DynamoDBDocumentClient.from(client);
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const start = Date.parse('2026-11-22T00:00:00Z');
    const items = [
      ...Array.from({ length: DEVICE_ITEMS }, (_, i) => ({
        pk: `device_readings#dev-${String(i % 50).padStart(4, '0')}`,
        sk: new Date(start + Math.floor(i / 50) * 60_000).toISOString(),
        rollup: 'device_readings',
        count: 2,
        temperature_sum: 41,
        temperature_min: 20.5,
        temperature_max: 20.5,
        hwm_shard: '1'.padStart(64, '0'),
        expiresAt: 1,
      })),
      ...[0, 1].map((minute) => ({
        pk: 'purchases',
        sk: new Date(start + minute * 60_000).toISOString(),
        rollup: 'purchases',
        count: 3,
        revenue_sum: 30,
      })),
    ];
    const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) =>
      items.slice(i * 25, i * 25 + 25),
    );
    const writeBatch = async (batch: Record<string, unknown>[]) => {
      let requests: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const result = await documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: requests } }));
        requests = (result.UnprocessedItems?.[TABLE] ?? []) as Record<string, unknown>[];
      }
    };
    for (let i = 0; i < batches.length; i += 10) await Promise.all(batches.slice(i, i + 10).map(writeBatch));
  } finally {
    client.destroy();
    await server.stop();
  }
};

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'cli-commands-'));
  const s3Directory = join(stateDir, 's3');
  writeFileSync(
    join(stateDir, 'cloud.json'),
    JSON.stringify({ lakeBucket: BUCKET, s3Directory, rollupsTable: TABLE, eventStream: 'events' }),
  );
  // DynamoDB Local starts (a JVM, the slow part) while the query tests run; the rollups test waits for it.
  rollupsTableWritten = writeRollupsTable();
  rollupsTableWritten.catch(() => undefined);
  await writeLakeObjects({ s3Directory, lakeBucket: BUCKET }, events, 'shardId-000000000000-100-499');
});
afterAll(async () => {
  await rollupsTableWritten?.catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('npm run query, stdout a pipe', () => {
  it('writes all 50,000 rows of a csv result, then exits 0', async () => {
    const result = await query('--format', 'csv', 'SELECT range AS n FROM range(50000)');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lineCount(result.stdout)).toBe(50_001);
    expect(result.stdout.endsWith('\n49998\n49999\n')).toBe(true);
  });

  it('writes all 60,000 rows of the default table, row count last', async () => {
    const result = await query('SELECT range AS n FROM range(60000)');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // Header, rule, 60,000 rows, "(60000 rows)".
    expect(lineCount(result.stdout)).toBe(60_003);
    expect(result.stdout.endsWith('\n59999\n(60000 rows)\n')).toBe(true);
  });

  it('writes every row of a query over the lake views', async () => {
    const result = await query(
      '--format',
      'csv',
      'SELECT c.event_id, c.schema, c.dt, r.range FROM clickstream c CROSS JOIN range(100) r',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(clickstreamEvents).toBe(300);
    expect(lineCount(result.stdout)).toBe(clickstreamEvents * 100 + 1);
  });

  it('ends after .exit at the prompt although its input is still open', async () => {
    const prompt = await runTsx('commands/query/query-cli.ts', ['--state-dir', stateDir, '--format', 'csv'], {
      input: 'SELECT count(*) AS n FROM telemetry;\n.exit\n',
      endInput: false,
    });
    expect(prompt.status).toBe(0);
    expect(prompt.stdout).toContain('n\n100\n');
  });
});

describe('npm run rollups', () => {
  it('refuses a bad command line before reading any state: error, a pointer to --help, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--bogus'], /^error: Unknown option '--bogus'/],
      [['--limit', 'abc'], /^error: --limit must be a whole number ≥ 1 \(given "abc"\)\n/],
      [['--limit=-3'], /^error: --limit must be a whole number ≥ 1 \(given "-3"\)\n/],
      [['--limit=0', 'purchases'], /^error: --limit must be a whole number ≥ 1 \(given "0"\)\n/],
      [
        ['nosuchrollup'],
        new RegExp(
          `^error: unknown rollup "nosuchrollup"; the declared rollups are ${ROLLUPS.map((r) => r.name).join(', ')}\\n`,
        ),
      ],
    ];
    // A state folder that does not exist: the command line is judged first, no server is started.
    const results = await Promise.all(
      cases.map(([args]) => rollups('--state-dir', join(stateDir, 'missing'), ...args)),
    );
    results.forEach((result, i) => {
      const [args, message] = cases[i] ?? [];
      expect(result.stderr, JSON.stringify(args)).toMatch(message ?? /./);
      expect(result.stderr).toMatch(/npm run rollups -- --help/);
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stdout).toBe('');
      expect(result.status, JSON.stringify(args)).toBe(2);
    });
  });

  it('prints every item of a rollup asked for, from DynamoDB Local on the saved state, to a pipe', async () => {
    await rollupsTableWritten;
    const result = await rollups('--state-dir', stateDir, 'device_readings', '--limit', '100000');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // console.table: top border, header, rule, one line per item, bottom border.
    expect(lineCount(result.stdout)).toBe(DEVICE_ITEMS + 4);
    expect(result.stdout).toContain('device_readings#dev-0049');
    expect(result.stdout).not.toContain('purchases');
  });
});

describe('npm run verify and npm run replay', () => {
  it('say what is wrong without a stack trace and exit 2', async () => {
    const [verify, replay] = await Promise.all([
      runTsx('commands/verify/verify-cli.ts', ['--state-dir', join(stateDir, 'missing')]),
      runTsx('commands/replay/replay-cli.ts', ['--bogus']),
    ]);
    expect(verify.stderr).toMatch(/^verify: no local cloud state in /);
    expect(verify.stderr).not.toMatch(STACK_FRAME);
    expect(verify.status).toBe(2);
    expect(replay.stderr).toMatch(/^error: Unknown option '--bogus'/);
    expect(replay.stderr).not.toMatch(STACK_FRAME);
    expect(replay.status).toBe(2);
  });
});
