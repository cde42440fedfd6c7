import type { KinesisStreamRecord } from 'aws-lambda';
import type { SeenEvents } from '../../processors/dedup/seen-events.ts';
import { indexBySchema, preaggregate } from '../../processors/rollups/preaggregate.ts';
import { ROLLUPS } from '../../processors/rollups/rollups.ts';
import { buildRollupUpdate } from '../../processors/rollups/update-expression.ts';
import { type AcceptedRecord, classifyBatch, positionKey } from '../../processors/shared/classify.ts';
import { WebSessionSimulator } from '../../producers/web-sessions.ts';
import { eventBatchJson, type StreamlakeEvent } from '../../schemas/index.ts';
import { PowertoolsKinesisRecord } from './zod-contracts.ts';

/** 10,000 simulated clickstream events as Lambda delivers them: base64 JSON, arrival = event time. */
export const clickstreamBatch = (size: number): KinesisStreamRecord[] => {
  const simulator = new WebSessionSimulator({ seed: 1 });
  const start = Date.parse('2026-11-22T05:00:00.000Z');
  return Array.from({ length: size }, (_, i) => {
    const now = start + i * 2;
    const event = simulator.next(now);
    const sequenceNumber = (49_680_450_000_000_000_000_000n + BigInt(i)).toString().padEnd(56, '0');
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'k',
        sequenceNumber,
        data: Buffer.from(JSON.stringify(event)).toString('base64'),
        approximateArrivalTimestamp: now / 1000 + 0.5,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/bench',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/bench',
    };
  });
};

/**
 * The same events packed `perRecord` to a record as the collector puts a request (D36): the edge once, then
 * the events; each record arrives with its last event.
 */
export const clickstreamBatchRecords = (size: number, perRecord: number): KinesisStreamRecord[] => {
  const singles = clickstreamBatch(size);
  const records: KinesisStreamRecord[] = [];
  for (let at = 0; at < singles.length; at += perRecord) {
    const group = singles.slice(at, at + perRecord);
    const events = group.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')));
    const last = group.at(-1) as KinesisStreamRecord;
    const edge = {
      receivedAt: new Date(last.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      requestId: `request-${at}`,
      sourceIp: '203.0.113.0',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
      origin: 'https://shop.example.com',
    };
    records.push({
      ...last,
      kinesis: { ...last.kinesis, data: Buffer.from(eventBatchJson(events, edge)).toString('base64') },
    });
  }
  return records;
};

const policy = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 };
const rollupsFor = indexBySchema(ROLLUPS);

/** The baseline: nothing but decoding and parsing each record (counted, so the work is not optimised away). */
export const bareDecode = (records: readonly KinesisStreamRecord[]): number => {
  let parsed = 0;
  for (const record of records) {
    if (JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) !== null) parsed++;
  }
  return parsed;
};

/** Pre-aggregates accepted records and builds every rollup update, as the handler does before writing. */
const buildUpdates = (shardId: string, accepted: readonly AcceptedRecord[]): number => {
  const items = preaggregate(accepted, ROLLUPS, rollupsFor);
  for (const item of items) {
    buildRollupUpdate({
      tableName: 't',
      shardId,
      item,
      totals: item.totals,
      firstSequenceNumber: item.records[0]?.sequenceNumber ?? '0',
      lastSequenceNumber: item.records.at(-1)?.sequenceNumber ?? '0',
      expiresAt: 0,
    });
  }
  return items.length;
};

/**
 * The peer a team would otherwise write: each record through Powertools' parser (its Kinesis record
 * schema, base64 + JSON by its Base64Encoded helper) and a Zod schema of the same contracts, the same
 * lateness rule, then the same pre-aggregation and updates as ours.
 */
export const powertoolsZodBatch = (records: readonly KinesisStreamRecord[]): number => {
  const accepted: AcceptedRecord[] = [];
  for (const record of records) {
    const parsed = PowertoolsKinesisRecord.safeParse(record);
    if (!parsed.success) continue;
    const { data, sequenceNumber, approximateArrivalTimestamp } = parsed.data.kinesis;
    const eventTimeMs = Date.parse(data.eventTime);
    const arrivalMs = approximateArrivalTimestamp * 1000;
    if (eventTimeMs < arrivalMs - policy.allowedLatenessMs || eventTimeMs > arrivalMs + policy.clockSkewMs)
      continue;
    accepted.push({ sequenceNumber, event: data as StreamlakeEvent, eventTimeMs });
  }
  const first = records[0];
  return buildUpdates(first ? first.eventID.slice(0, first.eventID.lastIndexOf(':')) : '', accepted);
};

/**
 * The aggregate handler's work short of the network: classify, take out producer duplicates when given the
 * memory of first copies (D14), pre-aggregate, build every update.
 */
export const aggregateBatch = (records: KinesisStreamRecord[], seen?: SeenEvents): number => {
  const batch = classifyBatch(records, policy);
  const accepted = seen
    ? seen.split(batch.accepted, (r) => ({ eventId: r.event.eventId, sequenceNumber: positionKey(r) })).first
    : batch.accepted;
  return buildUpdates(batch.shardId, accepted);
};

/** Median seconds of `runs` timed calls, after warm-up. */
export const medianSeconds = (work: () => unknown, runs = 15): number => {
  for (let i = 0; i < 5; i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
};

/**
 * Times baseline and candidate alternately, `pairs` times, so both see the same machine state;
 * the ratio is the median of the per-pair throughput ratios (candidate / baseline).
 */
export const interleavedRatio = (baseline: () => unknown, candidate: () => unknown, pairs = 21) => {
  const time = (work: () => unknown) => {
    const start = process.hrtime.bigint();
    work();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  for (let i = 0; i < 5; i++) {
    baseline();
    candidate();
  }
  const baselineTimes: number[] = [];
  const candidateTimes: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const b = time(baseline);
    const c = time(candidate);
    baselineTimes.push(b);
    candidateTimes.push(c);
    ratios.push(b / c);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
  return {
    baselineSeconds: median(baselineTimes),
    candidateSeconds: median(candidateTimes),
    ratio: median(ratios),
  };
};

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * `npm run bench`'s aggregate section: ours and the Powertools + Zod peer, each against the bare
 * base64 + JSON.parse floor in interleaved pairs (the peer in fewer pairs: it is far slower).
 */
export const printAggregateBench = (records: KinesisStreamRecord[]): void => {
  const meanBytes =
    records.reduce((s, r) => s + Buffer.from(r.kinesis.data, 'base64').length, 0) / records.length;
  const ours = interleavedRatio(
    () => bareDecode(records),
    () => aggregateBatch(records),
  );
  const peer = interleavedRatio(
    () => bareDecode(records),
    () => powertoolsZodBatch(records),
    5,
  );
  console.log(`## Aggregate handler, ${n(records.length)}-record clickstream batch`);
  console.log(`mean event size ${n(meanBytes)} bytes; ${aggregateBatch(records)} rollup items`);
  console.log(`bare base64 + JSON.parse       ${n(records.length / ours.baselineSeconds)} records/s`);
  console.log(`aggregate (no network)         ${n(records.length / ours.candidateSeconds)} records/s`);
  console.log(`Powertools parser + Zod        ${n(records.length / peer.candidateSeconds)} records/s`);
  console.log(
    `ratio aggregate / bare         ${n(ours.ratio, 2)}  (median of 21 interleaved pairs; bar ≥ 0.5)`,
  );
  console.log(`ratio Powertools + Zod / bare  ${n(peer.ratio, 3)}  (median of 5 interleaved pairs)`);
  const events = records.length;
  const batched = clickstreamBatchRecords(events, 100);
  const packed = interleavedRatio(
    () => bareDecode(batched),
    () => aggregateBatch(batched),
  );
  console.log(`the same events, 100 to a record as the collector puts them (D36):`);
  console.log(`bare base64 + JSON.parse       ${n(events / packed.baselineSeconds)} events/s`);
  console.log(`aggregate (no network)         ${n(events / packed.candidateSeconds)} events/s`);
  console.log(`ratio aggregate / bare         ${n(packed.ratio, 2)}  (median of 21 interleaved pairs)`);
  const versus = interleavedRatio(
    () => aggregateBatch(records),
    () => aggregateBatch(batched),
  );
  console.log(`aggregate events/s, batched / single records  ${n(versus.ratio, 2)}  (interleaved pairs)`);
};
