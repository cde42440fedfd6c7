import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { KinesisStreamRecord } from 'aws-lambda';
import { parquetMetadata } from 'hyparquet';
import { lakeEngine } from '../../commands/backfill/local-backfill.ts';
import { recountRollup } from '../../commands/backfill/recount-engine.ts';
import { SECONDS_PER_MONTH } from '../../commands/cost/model.ts';
import { PRICES, READ_ON, REGION } from '../../commands/cost/prices.ts';
import { AWS_STACK_SETTINGS } from '../../commands/cost/stack-settings.ts';
import { NO_RECORDS, withRecord } from '../../commands/cost/stream-figures.ts';
import { compactionFigures, listLocalLake, localObjectPath } from '../../commands/lake/lake-listing.ts';
import { LAKE_PREFIX, Lake } from '../../commands/lake/lake-views.ts';
import { DEFAULTS } from '../../infra/defaults.ts';
import { lakeFileKey, rangeOf } from '../../processors/archive/lake-key.ts';
import { encodeParquet } from '../../processors/archive/parquet-encoder.ts';
import { partitionBatch } from '../../processors/archive/partition.ts';
import { loadCompactionConfig } from '../../processors/compact/config.ts';
import { runCompaction } from '../../processors/lake/compaction-run.ts';
import type { LakeObjects } from '../../processors/lake/lake-objects.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { loadAcceptancePolicy } from '../../processors/shared/acceptance-policy.ts';
import { classifyBatch } from '../../processors/shared/classify.ts';
import { DEFAULT_MESSAGE_BYTES } from '../../producers/mqtt-device-batch.ts';
import { partitionKeyOf } from '../../producers/source.ts';
import { datasetOf, eventBatchJson, type StreamlakeEvent } from '../../schemas/index.ts';
import { DEFAULT_BATCH } from '../../tracker/src/options.ts';
import { aggregateBatch } from './aggregate-throughput.ts';
import { simulatedEvents } from './parquet-encoding.ts';

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
const MIB = 2 ** 20;
const GIB = 2 ** 30;
const HOUR_MS = 3_600_000;
const seconds = async <T>(work: () => T | Promise<T>): Promise<{ value: T; s: number }> => {
  const start = process.hrtime.bigint();
  const value = await work();
  return { value, s: Number(process.hrtime.bigint() - start) / 1e9 };
};
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * A small site's steady load: the archive's 60 s window closes every batch long before its 10,000 records,
 * so every shard writes one small file per dataset and minute — the lake compaction exists for.
 */
const EVENTS_PER_SECOND = 50;
const START_MS = Date.parse('2026-11-22T05:00:00.000Z');
const SHARDS = DEFAULTS.eventStream.shards;
const policy = loadAcceptancePolicy({});

/** Kinesis' rule: the MD5 of the partition key, as a 128-bit number, falls in one of equal hash ranges. */
const shardOf = (partitionKey: string) =>
  Number((createHash('md5').update(partitionKey).digest().readBigUInt64BE(0) * BigInt(SHARDS)) >> 64n);

const kinesisRecord = (shardId: string, sequence: number, event: StreamlakeEvent): KinesisStreamRecord => {
  const sequenceNumber = (49_680_450_000_000_000_000_000n + BigInt(sequence)).toString();
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: partitionKeyOf(event),
      sequenceNumber,
      data: Buffer.from(JSON.stringify(event)).toString('base64'),
      approximateArrivalTimestamp: Date.parse(event.eventTime) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/bench',
    awsRegion: REGION,
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/bench',
  };
};

/** Each shard's records cut as an event source mapping cuts them: a batch closes at its window or its size. */
const batchesOf = (shards: KinesisStreamRecord[][], batchSize: number, windowSeconds: number) =>
  shards.flatMap((records) => {
    const batches: KinesisStreamRecord[][] = [];
    let batch: KinesisStreamRecord[] = [];
    for (const record of records) {
      const first = batch[0]?.kinesis.approximateArrivalTimestamp;
      if (
        first !== undefined &&
        (batch.length >= batchSize || record.kinesis.approximateArrivalTimestamp >= first + windowSeconds)
      ) {
        batches.push(batch);
        batch = [];
      }
      batch.push(record);
    }
    if (batch.length) batches.push(batch);
    return batches;
  });

type LakeState = { readonly s3Directory: string; readonly lakeBucket: string };

/** The archive's work on each batch, short of S3: classify, one file per dataset and hour, Parquet; then the file lands. */
const writeStreamFiles = (state: LakeState, batches: readonly KinesisStreamRecord[][]) => {
  // Warm-up (parquet-wasm's first use, the JIT), untimed: the rate is the encoder's steady one.
  for (const group of partitionBatch(classifyBatch(batches[0] ?? [], policy).accepted))
    encodeParquet(
      group.dataset,
      group.records.map((r) => r.event),
    );
  let encodeSeconds = 0;
  let rows = 0;
  for (const batch of batches) {
    const classified = classifyBatch(batch, policy);
    for (const group of partitionBatch(classified.accepted)) {
      const start = process.hrtime.bigint();
      const body = encodeParquet(
        group.dataset,
        group.records.map((r) => r.event),
      );
      encodeSeconds += Number(process.hrtime.bigint() - start) / 1e9;
      rows += group.records.length;
      const path = localObjectPath(state, lakeFileKey(LAKE_PREFIX, classified.shardId, rangeOf(group)));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    }
  }
  return { rowsPerSecond: rows / encodeSeconds };
};

/** The lake bucket as s3rver keeps it on disk, read and written directly (no HTTP: compaction's own work). */
const diskLakeObjects = (state: LakeState): LakeObjects => ({
  list: async (prefix) => listLocalLake(state, prefix),
  async get(key, range) {
    const file = await open(localObjectPath(state, key));
    try {
      const length = range ? range.end - range.start : (await file.stat()).size;
      const bytes = new Uint8Array(length);
      await file.read(bytes, 0, length, range?.start ?? 0);
      return bytes;
    } finally {
      await file.close();
    }
  },
  async put(key, body) {
    const path = localObjectPath(state, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  },
  async delete(keys) {
    for (const key of keys) await rm(localObjectPath(state, key));
  },
});

/** Every declared rollup recounted over the range by DuckDB over the lake, as `npm run backfill` recounts. */
const recountAll = async (state: LakeState, range: { fromMs: number; toMs: number }) => {
  const engine = lakeEngine(state);
  let items = 0;
  for (const rollup of ROLLUPS) items += (await recountRollup(engine, rollup, range)).length;
  return items;
};

/** The README's top-pages-per-hour query narrowed to one hour, as its header advises. */
const topPagesSql = (dt: string, hour: number) =>
  readFileSync(new URL('../../queries/top-pages-per-hour.sql', import.meta.url), 'utf8').replace(
    "WHERE schema = 'clickstream.page_view'",
    `WHERE schema = 'clickstream.page_view' AND dt = '${dt}' AND hour = ${hour}`,
  );
/** The columns the query reads from the files (`dt` and `hour` come from the path). */
const TOP_PAGES_COLUMNS = ['schema', 'page', 'session_id'];

/** What Athena scans for those columns: their column chunks' compressed bytes, from each file's footer. */
const scannedBytes = (state: LakeState, keys: readonly string[]) =>
  keys.reduce((total, key) => {
    const bytes = readFileSync(localObjectPath(state, key));
    const metadata = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    for (const rowGroup of metadata.row_groups)
      for (const column of rowGroup.columns)
        if (TOP_PAGES_COLUMNS.includes(column.meta_data?.path_in_schema.join('.') ?? ''))
          total += Number(column.meta_data?.total_compressed_size ?? 0);
    return total;
  }, 0);
/** Athena bills each query's bytes rounded up to whole megabytes, at least 10 MB. */
const billedBytes = (bytes: number) => Math.max(10 * MIB, Math.ceil(bytes / MIB) * MIB);

/** S3 lifecycle does not transition objects smaller than this by default (Glacier IR's minimum billable size). */
const GLACIER_MIN_OBJECT_BYTES = 128 * 1024;
const HISTORY_MONTHS = 12;

/**
 * Events packed into batch records as the edges pack them: web events 100 to a request (the tracker's batch; the
 * demo's server-side writer mixes sessions), each device's events into messages of the device's bytes.
 */
const edgeRecords = (events: readonly StreamlakeEvent[]) => {
  const records: { data: Buffer; partitionKey: string }[] = [];
  const open = new Map<string, { events: StreamlakeEvent[]; bytes: number }>();
  const close = (key: string) => {
    const batch = open.get(key);
    const first = batch?.events[0];
    if (batch && first)
      records.push({ data: Buffer.from(eventBatchJson(batch.events)), partitionKey: partitionKeyOf(first) });
    open.delete(key);
  };
  for (const event of events) {
    const web = datasetOf(event.schema) === 'clickstream';
    const key = web ? 'web' : `device:${partitionKeyOf(event)}`;
    const bytes = Buffer.byteLength(JSON.stringify(event)) + 1;
    const batch = open.get(key);
    if (
      batch &&
      (web ? batch.events.length >= DEFAULT_BATCH.maxEvents : batch.bytes + bytes > DEFAULT_MESSAGE_BYTES)
    )
      close(key);
    const current = open.get(key) ?? { events: [], bytes: 13 };
    current.events.push(event);
    current.bytes += bytes;
    open.set(key, current);
  }
  for (const key of [...open.keys()]) close(key);
  return records;
};

/** The raw zone a month at 1 million events a day, in a steady state, priced by commands/cost/prices.ts. */
const rawZoneMonth = (events: readonly StreamlakeEvent[]) => {
  const data = events.map((e) => Buffer.from(JSON.stringify(e)));
  // Records as the edges put them (D36): web events 100 to a collector request (the tracker's batch), device
  // events as many as fill one device message; Firehose bills per record.
  const records = edgeRecords(events);
  const figures = records.reduce((f, r) => withRecord(f, r.data, r.partitionKey), NO_RECORDS);
  const meanBytes = data.reduce((sum, d) => sum + d.length, 0) / data.length;
  const eventsPerSecond = 1e6 / 86_400;
  const eventsPerMonth = eventsPerSecond * SECONDS_PER_MONTH;
  // Firehose closes an object at its interval or its size, whichever comes first (the stack's buffering).
  const { intervalSeconds, sizeBytes } = AWS_STACK_SETTINGS.rawBuffering;
  const perObject = Math.max(
    1,
    Math.floor(Math.min(eventsPerSecond * intervalSeconds, sizeBytes / meanBytes)),
  );
  const sample = data.slice(0, perObject);
  // Newline-delimited (AppendDelimiterToRecord), GZIP per object.
  const gzipPerEvent =
    gzipSync(Buffer.concat(sample.flatMap((d) => [d, Buffer.from('\n')]))).length / sample.length;
  const objectsPerMonth = eventsPerMonth / perObject;
  const objectBytes = gzipPerEvent * perObject;
  const monthGib = (gzipPerEvent * eventsPerMonth) / GIB;
  const transitioned = objectBytes >= GLACIER_MIN_OBJECT_BYTES;
  const lines = [
    {
      item: `Firehose ingestion, ${n((figures.firehoseUnits / figures.records) * 5, 2)} KiB billed a record of ${n(events.length / figures.records, 1)} events`,
      usd:
        ((figures.firehoseUnits / events.length) * eventsPerMonth * 5 * 1024 * PRICES.firehoseIngestGb.usd) /
        GIB,
      price: PRICES.firehoseIngestGb,
    },
    {
      item: `S3 PUTs, ${n(objectsPerMonth)} objects (${n(perObject)} events, ${n(objectBytes / 1024)} KiB each)`,
      usd: objectsPerMonth * PRICES.s3PutRequest.usd,
      price: PRICES.s3PutRequest,
    },
    {
      item: `S3 Standard, the last ${DEFAULTS.rawZone.glacierAfter.toDays()} days (${n(monthGib, 2)} GiB)`,
      usd: monthGib * PRICES.s3StandardGbMonth.usd,
      price: PRICES.s3StandardGbMonth,
    },
    {
      item: transitioned
        ? 'lifecycle transitions into Glacier IR'
        : 'no transitions: objects < 128 KiB stay in Standard',
      usd: transitioned ? objectsPerMonth * PRICES.s3GlacierIrTransition.usd : 0,
      price: PRICES.s3GlacierIrTransition,
    },
    {
      item: `${transitioned ? 'Glacier IR' : 'S3 Standard'}, ${HISTORY_MONTHS - 1} older months kept (${n(monthGib * (HISTORY_MONTHS - 1), 1)} GiB)`,
      usd:
        monthGib *
        (HISTORY_MONTHS - 1) *
        (transitioned ? PRICES.s3GlacierIrGbMonth.usd : PRICES.s3StandardGbMonth.usd),
      price: transitioned ? PRICES.s3GlacierIrGbMonth : PRICES.s3StandardGbMonth,
    },
  ];
  return { meanBytes, gzipPerEvent, eventsPerMonth, lines, rawGib: (meanBytes * eventsPerMonth) / GIB };
};

/** The simulator's events at a steady rate, and each shard's records as the stream holds them. */
const steadyStream = (count: number) => {
  const events = simulatedEvents(count).map((e, i) => ({
    ...e,
    eventTime: new Date(START_MS + Math.floor((i * 1000) / EVENTS_PER_SECOND)).toISOString(),
  })) as StreamlakeEvent[];
  const shards: KinesisStreamRecord[][] = Array.from({ length: SHARDS }, () => []);
  for (const event of events) {
    const shard = shardOf(partitionKeyOf(event));
    const records = shards[shard] as KinesisStreamRecord[];
    records.push(kinesisRecord(`shardId-${String(shard).padStart(12, '0')}`, records.length, event));
  }
  const cut = (source: { batchSize: number; maxBatchingWindow: { toSeconds(): number } }) =>
    batchesOf(shards, source.batchSize, source.maxBatchingWindow.toSeconds());
  const lastMs = Date.parse((events.at(-1) as StreamlakeEvent).eventTime);
  return {
    events,
    archiveBatches: cut(DEFAULTS.archiveEventSource),
    aggregateBatches: cut(DEFAULTS.aggregateEventSource),
    range: { fromMs: START_MS, toMs: Math.ceil((lastMs + 1) / HOUR_MS) * HOUR_MS },
  };
};

/** Backfill's recount and the aggregate handler on the same events, alternately: medians of three pairs. */
const recountVersusAggregate = async (state: LakeState, stream: ReturnType<typeof steadyStream>) => {
  const pairs: { aggregate: number; recount: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const aggregate = await seconds(() => stream.aggregateBatches.reduce((s, b) => s + aggregateBatch(b), 0));
    const recount = await seconds(() => recountAll(state, stream.range));
    pairs.push({ aggregate: aggregate.s, recount: recount.s });
  }
  const events = stream.events.length;
  return {
    recountRate: events / median(pairs.map((p) => p.recount)),
    aggregateRate: events / median(pairs.map((p) => p.aggregate)),
    ratio: median(pairs.map((p) => p.aggregate / p.recount)),
  };
};

/** `npm run bench`'s lake section: backfill, compaction, Athena bytes, the raw zone's cost — one lake, one run. */
export const printLakeLifecycleBench = async (quick: boolean): Promise<void> => {
  const stream = steadyStream(quick ? 20_000 : 200_000);
  const root = mkdtempSync(join(tmpdir(), 'streamlake-lake-bench-'));
  const state: LakeState = { s3Directory: root, lakeBucket: 'lake-bench' };
  try {
    const encoder = writeStreamFiles(state, stream.archiveBatches);
    const before = compactionFigures(state);
    const recountBefore = await recountVersusAggregate(state, stream);
    const dt = new Date(START_MS).toISOString().slice(0, 10);
    const hour = new Date(START_MS).getUTCHours();
    const hourKeys = () =>
      listLocalLake(state)
        .map((f) => f.key)
        .filter((k) =>
          k.startsWith(`${LAKE_PREFIX}clickstream/dt=${dt}/hour=${String(hour).padStart(2, '0')}/`),
        );
    const topPages = async () => {
      const lake = await Lake.open(state);
      try {
        return JSON.stringify(await lake.rows(topPagesSql(dt, hour)));
      } finally {
        lake.close();
      }
    };
    const topPagesBefore = await topPages();
    const hourBefore = hourKeys();
    const scanBefore = scannedBytes(state, hourBefore);

    // The stack's compaction settings; dated past the write margin, since nothing here is still being written.
    const { settings, sliceBytes } = loadCompactionConfig({ LAKE_BUCKET: state.lakeBucket });
    const compaction = await seconds(() =>
      runCompaction({
        objects: diskLakeObjects(state),
        prefix: LAKE_PREFIX,
        settings,
        sliceBytes,
        nowMs: Date.now() + settings.writeMarginMs + 2000,
      }),
    );
    const rowsRead = compaction.value.results.reduce((s, r) => s + r.rowsRead, 0);
    const after = compactionFigures(state);
    const recountAfter = await recountVersusAggregate(state, stream);
    const sameResult = (await topPages()) === topPagesBefore;
    const hourDuringGrace = hourKeys();
    const hourAfter = hourDuringGrace.filter((k) => k.includes('/compacted-'));
    const scanDuringGrace = scannedBytes(state, hourDuringGrace);
    const scanAfter = scannedBytes(state, hourAfter);

    const events = stream.events.length;
    console.log(
      `\n## The lake over time: ${n(events)} simulated events at ${EVENTS_PER_SECOND}/s, ${SHARDS} shards, ` +
        `files as the archive cuts them (${DEFAULTS.archiveEventSource.maxBatchingWindow.toSeconds()} s window)`,
    );
    console.log(
      `lake before compaction: ${n(before.visibleFiles)} stream files, ${n(before.visibleBytes / MIB, 2)} MiB, ` +
        `${before.hours} dataset-hours; archive encoder ${n(encoder.rowsPerSecond)} rows/s`,
    );
    console.log(
      '\nBackfill recount (DuckDB over the lake, all ' +
        `${ROLLUPS.length} rollups) vs the aggregate handler (no network, same events):`,
    );
    for (const [label, r] of [
      ['before compaction', recountBefore],
      ['after compaction ', recountAfter],
    ] as const) {
      console.log(
        `${label}: recount ${n(r.recountRate)} events/s, aggregate ${n(r.aggregateRate)} records/s, ` +
          `ratio ${n(r.ratio, 2)} (median of 3 interleaved pairs)`,
      );
    }
    const bytesBefore = compaction.value.results.reduce((s, r) => s + r.bytesBefore, 0);
    console.log(
      "\nCompaction (runCompaction, the stack's settings, s3rver's folder read and written directly):",
    );
    console.log(
      `${n(bytesBefore / MIB / compaction.s, 2)} MiB/s of input, ${n(rowsRead / compaction.s)} rows/s ` +
        `= ${n(rowsRead / compaction.s / encoder.rowsPerSecond, 2)}× the archive encoder's rows/s (same rows, same run)`,
    );
    console.log(
      `files ${n(before.visibleFiles)} → ${n(after.visibleFiles)}, bytes ${n(before.visibleBytes / MIB, 2)} → ` +
        `${n(after.visibleBytes / MIB, 2)} MiB (${n(after.visibleBytes / before.visibleBytes, 2)}×) in ${n(compaction.s, 1)} s`,
    );
    console.log(
      `\nAthena scan, queries/top-pages-per-hour.sql for dt = '${dt}' AND hour = ${hour} ` +
        `(columns ${TOP_PAGES_COLUMNS.join(', ')}; from the Parquet footers; same result after: ${sameResult ? 'yes' : 'NO'}):`,
    );
    for (const [label, files, bytes] of [
      ['before compaction           ', hourBefore.length, scanBefore],
      ['within the grace hour (both)', hourDuringGrace.length, scanDuringGrace],
      ['after the grace hour        ', hourAfter.length, scanAfter],
    ] as const) {
      console.log(
        `${label} ${n(files).padStart(4)} files ${n(bytes / 1024, 1).padStart(9)} KiB scanned, billed ${n(billedBytes(bytes) / MIB)} MB`,
      );
    }

    const raw = rawZoneMonth(stream.events);
    const total = raw.lines.reduce((s, l) => s + l.usd, 0);
    console.log(
      `\nRaw zone, a month (${SECONDS_PER_MONTH / 3600} h) at 1 million events a day, month ${HISTORY_MONTHS} of a steady state ` +
        `(prices ${REGION}, read ${READ_ON}, commands/cost/prices.ts):`,
    );
    console.log(
      `mean event ${n(raw.meanBytes)} bytes JSON, ${n(raw.gzipPerEvent, 1)} bytes GZIP in an object; ` +
        `${n(raw.eventsPerMonth / 1e6, 1)} M events, ${n(raw.rawGib, 2)} GiB unrounded`,
    );
    for (const line of raw.lines) {
      const verified = line.price.verified ? '' : ', unverified';
      console.log(
        `${`$${line.usd.toFixed(3)}`.padStart(8)}  ${line.item}  ($${line.price.usd} per ${line.price.unit}${verified}; ${line.price.source})`,
      );
    }
    console.log(
      `${`$${total.toFixed(2)}`.padStart(8)}  a month, $${(total / (raw.eventsPerMonth / 1e6)).toFixed(3)} per million events`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};
