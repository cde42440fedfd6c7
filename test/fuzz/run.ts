import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_REGION, type LocalEndpoints, localClients } from '../../infra/local/clients.ts';
import { type CloudState, DEFAULT_STATE_DIR, readCloudState } from '../../infra/local/lake/cloud-state.ts';
import { Lake } from '../../infra/local/lake/lake-views.ts';
import { planFromTemplate, type Template } from '../../infra/local/template.ts';
import {
  checkMarkedRollups,
  fileSize,
  invocationErrors,
  listKeys,
  markedLakeRows,
  markedRollups,
  ON_FAILURE_PREFIX,
  type OnFailureObject,
  QuarantineReader,
  readFrom,
  readOnFailureObject,
  utcDays,
} from './checks.ts';
import { FUZZ_KINDS, fuzzRecords, KIND_NAMES, kindCounts, newRunId } from './corpus.ts';
import { FuzzLedger, putCorpus } from './ledger.ts';
import { judge, type Verdict } from './verdict.ts';

const USAGE = `npm run fuzz -- [options]

Puts a seeded fuzz corpus (malformed records of ${KIND_NAMES.length} kinds interleaved with valid events marked
with a run id) into the stream of a running local pipeline, waits until both Kinesis consumers are
past it, then checks: every malformed record is quarantined by each consumer with a reason its kind
allows, every valid event is in the lake exactly once and the run's rollups equal what the valid events
imply, no record was given up on (on-failure destination) and no function failed.

Start the pipeline first (in another terminal): npm start -- --forever

Options:
  --state-dir DIR   the pipeline's state folder (default ${DEFAULT_STATE_DIR})
  --malformed N     malformed records (default 10000)
  --valid N         valid events (default 5000)
  --seed S          corpus seed: the same seed makes the same records, with fresh event ids (default 1)
  --timeout S       longest wait for the consumers, in seconds (default 600)
  -h, --help        show this help

The closing line reads "lost N · stalled shards N · crashed N", as measured:
  lost            valid events missing from the lake or the rollups, malformed records some consumer did
                  not quarantine, and records inside on-failure objects written during the run
  stalled shards  shards on which a Kinesis consumer's checkpoint did not pass the run's last record in time
  crashed         function invocation errors logged during the run, plus on-failure objects written
Exits 1 if any of them is not 0, or if a record could not be put, was quarantined for a reason its kind
does not allow, or a valid event is in the lake more than once; 2 on a usage error.`;

class UsageError extends Error {}

interface FuzzRunOptions {
  readonly stateDir: string;
  readonly malformed: number;
  readonly valid: number;
  readonly seed: string;
  readonly timeoutSeconds: number;
}

const wholeNumber = (name: string, text: string | undefined, fallback: number, min: number, max: number) => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `${name} must be a whole number from ${min} to ${max} (given ${JSON.stringify(text)})`,
    );
  }
  return value;
};

const parseOptions = (argv: readonly string[]): FuzzRunOptions | undefined => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'state-dir': { type: 'string' },
        malformed: { type: 'string' },
        valid: { type: 'string' },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const text = (name: string) => values[name] as string | undefined;
  const seed = text('seed') ?? '1';
  if (seed.trim() === '') throw new UsageError('--seed must not be empty');
  return {
    stateDir: text('state-dir') ?? DEFAULT_STATE_DIR,
    malformed: wholeNumber('--malformed', text('malformed'), 10_000, 0, 1_000_000),
    valid: wholeNumber('--valid', text('valid'), 5_000, 0, 1_000_000),
    seed,
    timeoutSeconds: wholeNumber('--timeout', text('timeout'), 600, 1, 86_400),
  };
};

const START_IT = 'start it first: npm start -- --forever';
const n = (value: number) => value.toLocaleString('en-US');
const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const status = (line: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
};
const endStatus = () => {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
};

/** The endpoints `npm start` wrote to cloud.json; load only ever targets the loopback address. */
const loopbackEndpoints = (stateDir: string): LocalEndpoints => {
  const file = join(stateDir, 'cloud.json');
  const { endpoints } = JSON.parse(readFileSync(file, 'utf8')) as { endpoints?: Partial<LocalEndpoints> };
  if (!endpoints?.kinesis || !endpoints.dynamodb || !endpoints.s3) {
    throw new Error(`${file} names no endpoints (an older npm start wrote it?): ${START_IT}`);
  }
  for (const [service, url] of Object.entries(endpoints)) {
    if (typeof url !== 'string') continue;
    const host = new URL(url).hostname;
    if (host !== '127.0.0.1') {
      throw new Error(`${file} gives ${service} at ${url}: npm run fuzz only ever sends load to 127.0.0.1`);
    }
  }
  return endpoints as LocalEndpoints;
};

/** The Kinesis event source mappings of the synthesized stack: id, and the consumer name each quarantines as. */
const kinesisConsumers = (stateDir: string): { mappingIds: string[]; consumers: string[] } => {
  const fallback = { mappingIds: [] as string[], consumers: ['aggregate', 'archive'] };
  const assembly = join(stateDir, 'cdk.out');
  let files: string[];
  try {
    files = readdirSync(assembly).filter((f) => f.endsWith('.template.json'));
  } catch {
    return fallback;
  }
  for (const file of files) {
    const template = JSON.parse(readFileSync(join(assembly, file), 'utf8')) as Template;
    if (!Object.values(template.Resources ?? {}).some((r) => r.Type === 'AWS::Lambda::EventSourceMapping'))
      continue;
    const plan = planFromTemplate(template, {
      region: LOCAL_REGION,
      accountId: '000000000000',
      stackName: 'streamlake',
    });
    const consumerOf = (functionName: string) => {
      const logicalId = plan.functions.find((f) => f.name === functionName)?.logicalId ?? functionName;
      return (/^[A-Z]?[a-z]+/.exec(logicalId)?.[0] ?? logicalId).toLowerCase();
    };
    return {
      mappingIds: plan.kinesisMappings.filter((m) => m.enabled).map((m) => m.id),
      consumers: plan.kinesisMappings.filter((m) => m.enabled).map((m) => consumerOf(m.functionName)),
    };
  }
  return fallback;
};

/** checkpoints.json as the pipeline saved it: `<mapping id>/<shard>` → sequence number. */
const readCheckpoints = (stateDir: string): Record<string, string> => {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
};

/** Shards on which some Kinesis mapping has not checkpointed the run's last record; by mapping, shards past it. */
const progress = (stateDir: string, mappingIds: readonly string[], ledger: FuzzLedger) => {
  const checkpoints = readCheckpoints(stateDir);
  // Without the template, the mappings are those that checkpoint the stream's shards.
  const ids =
    mappingIds.length > 0
      ? mappingIds
      : [
          ...new Set(
            Object.keys(checkpoints)
              .filter((key) => ledger.lastByShard.has(key.slice(key.lastIndexOf('/') + 1)))
              .map((key) => key.slice(0, key.lastIndexOf('/'))),
          ),
        ];
  const stalled = new Set<string>();
  const pastByMapping = new Map<string, number>();
  for (const id of ids) {
    let past = 0;
    for (const [shardId, last] of ledger.lastByShard) {
      const checkpoint = checkpoints[`${id}/${shardId}`];
      if (checkpoint !== undefined && BigInt(checkpoint) >= last) past++;
      else stalled.add(shardId);
    }
    pastByMapping.set(id, past);
  }
  if (ids.length === 0) for (const shardId of ledger.lastByShard.keys()) stalled.add(shardId);
  return { stalled: [...stalled].sort(), pastByMapping };
};

const probe = async (what: string, endpoint: string, call: (signal: AbortSignal) => Promise<unknown>) => {
  try {
    await call(AbortSignal.timeout(5_000));
  } catch (error) {
    const detail = (error as { code?: string }).code ?? (error as Error).name ?? String(error);
    throw new Error(`the local pipeline's ${what} at ${endpoint} is not reachable (${detail}): ${START_IT}`);
  }
};

const reasonsText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${reason} ${n(count)}`)
    .join(' · ');

const printReport = (verdict: Verdict, consumers: readonly string[], ledger: FuzzLedger) => {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`${'kind'.padEnd(16)} ${'put'.padStart(6)}  ${'allowed'.padEnd(46)} quarantined as`);
  for (const kind of KIND_NAMES) {
    const tally = verdict.byKind[kind];
    const got = consumers.map((c) => `${c}: ${reasonsText(tally.reasons[c] ?? {}) || '-'}`).join('; ');
    const flags = [
      tally.notQuarantined ? `NOT QUARANTINED ${n(tally.notQuarantined)}` : '',
      tally.misclassified ? `WRONG REASON ${n(tally.misclassified)}` : '',
    ].filter(Boolean);
    out(
      `${kind.padEnd(16)} ${n(tally.put).padStart(6)}  ${FUZZ_KINDS[kind].allowed.join('|').padEnd(46)} ${got}${flags.length ? `  ← ${flags.join(', ')}` : ''}`,
    );
  }
  out(
    `${'valid'.padEnd(16)} ${n(ledger.valid.size).padStart(6)}  ${'accepted'.padEnd(46)} in the lake ${n(ledger.valid.size - verdict.lostParts.validMissingFromLake)}`,
  );
  out();
  out(
    `valid events: ${n(ledger.valid.size)} put · missing from the lake ${n(verdict.lostParts.validMissingFromLake)} · ` +
      `in it more than once ${n(verdict.duplicatedInLake)} · quarantined ${n(verdict.validQuarantined)} · ` +
      `rollup differences ${n(verdict.rollupDifferences)} (counted too few ${n(verdict.lostParts.validMissingFromRollupsOnly)} beyond the lake's, too many ${n(verdict.rollupSurplus)})`,
  );
  out(
    `malformed records: ${n(ledger.malformed.size)} put · not quarantined by every consumer ${n(verdict.lostParts.malformedNotQuarantined)} · ` +
      `quarantined for a reason their kind does not allow ${n(verdict.misclassified)} · marked lake rows of no valid event ${n(verdict.unexpectedInLake)}`,
  );
  out(
    `given up on during the run: ${n(verdict.onFailureRecords)} records in on-failure objects · unsent by the producer ${n(ledger.unsent.length)}`,
  );
  if (verdict.examples.length > 0) {
    out('for example:');
    for (const example of verdict.examples) out(`  ${example}`);
  }
  out(`quarantined by reason: ${reasonsText(verdict.byReason) || 'none'}`);
  out(`lost ${n(verdict.lost)} · stalled shards ${n(verdict.stalledShards)} · crashed ${n(verdict.crashed)}`);
};

const run = async (options: FuzzRunOptions): Promise<number> => {
  const { stateDir } = options;
  let state: CloudState;
  let endpoints: LocalEndpoints;
  try {
    state = readCloudState(stateDir);
    endpoints = loopbackEndpoints(stateDir);
  } catch (error) {
    throw new Error(`${(error as Error).message.replace(/: run npm start first.*$/, '')}: ${START_IT}`);
  }
  const clients = localClients(endpoints);
  try {
    return await fuzz(options, state, endpoints, clients);
  } finally {
    // Keep-alive sockets would hold the process open.
    for (const client of [
      clients.kinesis,
      clients.dynamodb,
      clients.dynamodbStreams,
      clients.s3,
      clients.sns,
    ]) {
      client?.destroy();
    }
  }
};

const fuzz = async (
  options: FuzzRunOptions,
  state: CloudState,
  endpoints: LocalEndpoints,
  clients: ReturnType<typeof localClients>,
): Promise<number> => {
  const { stateDir } = options;
  const streamName = state.streams[0];
  if (!streamName) throw new Error(`${join(stateDir, 'cloud.json')} names no stream: ${START_IT}`);
  const buckets = (JSON.parse(readFileSync(join(stateDir, 'cloud.json'), 'utf8')) as { buckets?: string[] })
    .buckets ?? [state.lakeBucket];
  await probe('Kinesis', endpoints.kinesis, (abortSignal) =>
    clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }), { abortSignal }),
  );
  await probe('DynamoDB', endpoints.dynamodb, (abortSignal) =>
    clients.dynamodb.send(new DescribeTableCommand({ TableName: state.rollupsTable }), { abortSignal }),
  );
  await probe('S3', endpoints.s3, (abortSignal) =>
    clients.s3.send(new HeadBucketCommand({ Bucket: state.lakeBucket }), { abortSignal }),
  );
  const { mappingIds, consumers } = kinesisConsumers(stateDir);

  // What was there before the run: the function log's length and the on-failure objects.
  const logFile = join(stateDir, 'logs', 'functions.log');
  const logOffset = fileSize(logFile);
  const onFailureBefore = new Set<string>();
  for (const bucket of buckets) {
    for (const { key } of await listKeys(clients.s3, bucket, ON_FAILURE_PREFIX))
      onFailureBefore.add(`${bucket}/${key}`);
  }

  const runId = newRunId();
  const startedMs = Date.now();
  const counts = kindCounts({ malformed: options.malformed });
  say(
    `fuzz run ${runId} (seed ${options.seed}): ${n(options.malformed)} malformed records of ${
      KIND_NAMES.filter((k) => counts[k] > 0).length
    } kinds + ${n(options.valid)} valid events → ${streamName} at ${endpoints.kinesis}`,
  );
  const ledger = new FuzzLedger();
  const total = options.malformed + options.valid;
  await putCorpus(
    clients.kinesis,
    streamName,
    fuzzRecords({
      seed: options.seed,
      malformed: options.malformed,
      valid: options.valid,
      nowMs: startedMs,
      runId,
    }),
    ledger,
    { onProgress: (done) => status(`put ${n(done)}/${n(total)}`) },
  );
  endStatus();
  const putSeconds = (Date.now() - startedMs) / 1000;
  say(
    `put ${n(total - ledger.unsent.length)} records in ${putSeconds.toFixed(1)}s` +
      (ledger.unsent.length
        ? `; ${n(ledger.unsent.length)} could not be put (${ledger.unsent[0]?.errorCode}: ${ledger.unsent[0]?.errorMessage})`
        : ''),
  );

  // Wait, bounded, until every Kinesis consumer has checkpointed past the run's last record on every shard.
  const waitStarted = Date.now();
  const deadline = waitStarted + options.timeoutSeconds * 1000;
  let { stalled, pastByMapping } = progress(stateDir, mappingIds, ledger);
  while (stalled.length > 0 && Date.now() < deadline) {
    const shards = ledger.lastByShard.size;
    status(
      `waiting for the consumers (${Math.round((Date.now() - waitStarted) / 1000)}s of at most ${options.timeoutSeconds}s): ` +
        [...pastByMapping]
          .map(([id, past], i) => `${consumers[i] ?? id} ${past}/${shards} shards past the run`)
          .join(' · '),
    );
    await sleep(2_000);
    ({ stalled, pastByMapping } = progress(stateDir, mappingIds, ledger));
  }
  endStatus();
  say(
    stalled.length === 0
      ? `every consumer was past the run after ${((Date.now() - waitStarted) / 1000).toFixed(1)}s; checking…`
      : `gave up waiting after ${options.timeoutSeconds}s: ${stalled.join(', ')} not past the run; checking what arrived…`,
  );

  // Check. Everything a consumer writes for a batch is written before it checkpoints the batch, so once
  // they are past the run there is nothing left to wait for.
  const quarantine = new QuarantineReader(clients.s3, state.lakeBucket, consumers, ledger);
  const took = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
  let at = Date.now();
  await quarantine.poll(utcDays(startedMs, Date.now()));
  const quarantineTook = took(at);
  at = Date.now();
  const lake = await Lake.open(state);
  let lakeRows: Map<string, number>;
  try {
    lakeRows = await markedLakeRows(lake, runId, utcDays(startedMs - 180_000, Date.now()));
  } finally {
    lake.close();
  }
  const lakeTook = took(at);
  at = Date.now();
  const rollups = checkMarkedRollups(
    ledger,
    runId,
    await markedRollups(clients.documents, state.rollupsTable, runId),
  );
  const onFailure: OnFailureObject[] = [];
  for (const bucket of buckets) {
    for (const { key } of await listKeys(clients.s3, bucket, ON_FAILURE_PREFIX)) {
      if (!onFailureBefore.has(`${bucket}/${key}`))
        onFailure.push(await readOnFailureObject(clients.s3, bucket, key));
    }
  }
  const verdict = judge({
    ledger,
    consumers,
    lakeRows,
    rollups,
    onFailure,
    functionErrors: invocationErrors(readFrom(logFile, logOffset)).length,
    stalledShards: progress(stateDir, mappingIds, ledger).stalled,
  });
  say(
    `checked: quarantine ${quarantineTook} (${n(quarantine.objects)} objects) · lake ${lakeTook} · rollups and the rest ${took(at)}; ` +
      `the whole run took ${took(startedMs)}`,
  );
  printReport(verdict, consumers, ledger);
  const failed =
    verdict.lost > 0 ||
    verdict.stalledShards > 0 ||
    verdict.crashed > 0 ||
    verdict.misclassified > 0 ||
    verdict.duplicatedInLake > 0 ||
    ledger.unsent.length > 0;
  return failed ? 1 : 0;
};

const main = async () => {
  let options: FuzzRunOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    say(`npm run fuzz: ${(error as Error).message}; see npm run fuzz -- --help`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    endStatus();
    say(`npm run fuzz: ${(error as Error).message}`);
    return 1;
  }
};

// Let stdout drain before exiting, so a piped report is whole.
process.exitCode = await main();
