import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { Lake } from '../../commands/lake/lake-views.ts';
import { S3RVER_OBJECT_SUFFIX } from '../../infra/local/cloud-state.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { markedLakeRows } from '../fuzz/checks/lake-rows.ts';
import { ON_FAILURE_PREFIX } from '../fuzz/checks/on-failure.ts';
import { QuarantineReader } from '../fuzz/checks/quarantine-reader.ts';
import { checkMarkedRollups } from '../fuzz/checks/rollups.ts';
import { listKeys } from '../fuzz/checks/s3-objects.ts';
import { utcDays } from '../fuzz/checks/utc-days.ts';
import { fuzzRecords } from '../fuzz/corpus.ts';
import { FUZZ_KINDS, KIND_NAMES } from '../fuzz/kinds.ts';
import { FuzzLedger, putCorpus } from '../fuzz/ledger.ts';
import { newRunId } from '../fuzz/markers.ts';
import { judge } from '../fuzz/verdict.ts';
import { expectedRollups, rollupDifferences } from './support/expected-rollups.ts';
import { eventually, lakeBucketOf, scanRollups, streamOf } from './support/local-cloud-fixture.ts';

/** Short windows so each consumer invokes within a second; few retries so a crash shows up fast. */
const CONTEXT = {
  'streamlake:aggregateBatchingWindowSeconds': 1,
  'streamlake:archiveBatchingWindowSeconds': 1,
  'streamlake:aggregateRetryAttempts': 2,
  'streamlake:archiveRetryAttempts': 2,
};
const PER_KIND = 20;
const VALID = 400;
const CONSUMERS = ['aggregate', 'archive'];

/** Copies the lake's Parquet objects into s3rver's layout under `dir`, so the lake views read them. */
const downloadLake = async (cloud: LocalCloud, dir: string) => {
  const Bucket = lakeBucketOf(cloud);
  for (const { key } of await listKeys(cloud.clients.s3, Bucket, 'lake/')) {
    const object = await cloud.clients.s3.send(new GetObjectCommand({ Bucket, Key: key }));
    const file = join(dir, Bucket, `${key}${S3RVER_OBJECT_SUFFIX}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, (await object.Body?.transformToByteArray()) ?? new Uint8Array());
  }
  return { s3Directory: dir, lakeBucket: Bucket };
};

/** Failed invocations of any function, from the AWS/Lambda Errors metric the local cloud keeps. */
const lambdaErrors = (cloud: LocalCloud) =>
  cloud.metricStore.find('AWS/Lambda', 'Errors').reduce((sum, id) => sum + cloud.metricStore.total(id), 0);

describe('a slice of the fuzz corpus through both stream consumers', () => {
  let cloud: LocalCloud | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'fuzz-slice-'));
  afterEach(async () => {
    await cloud?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('quarantines every malformed record in both consumers for a reason its kind allows, and loses no valid event', async () => {
    // Prepare: 20 records of each kind and 400 valid events, interleaved, put into the local stream.
    cloud = await LocalCloud.start({ context: CONTEXT });
    const runId = newRunId();
    const nowMs = Date.now();
    const ledger = new FuzzLedger();
    await putCorpus(
      cloud.clients.kinesis,
      streamOf(cloud).name,
      fuzzRecords({
        seed: 'slice',
        malformed: PER_KIND * KIND_NAMES.length,
        valid: VALID,
        nowMs,
        runId,
        spread: 'even',
      }),
      ledger,
    );
    expect(ledger.unsent).toEqual([]);
    expect(ledger.malformed.size).toBe(PER_KIND * KIND_NAMES.length);
    expect(ledger.valid.size).toBe(VALID);

    // Act: run the aggregate and archive mappings until both have checkpointed every shard past the corpus.
    const mappings = [cloud.resources.mappings.aggregate.id, cloud.resources.mappings.archive.id];
    const discarded: { mappingId: string; records: number; condition: string }[] = [];
    const controller = new AbortController();
    const running = cloud.runMappings(controller.signal, {
      observer: { onDiscard: (info) => discarded.push(info) },
      include: (id) => mappings.includes(id),
    });
    const local = cloud;
    try {
      await eventually(
        () =>
          [...ledger.lastByShard].every(([shardId, last]) =>
            mappings.every((id) => {
              const checkpoint = local.checkpoints.get(id, shardId);
              return checkpoint !== undefined && BigInt(checkpoint) >= last;
            }),
          ),
        60_000,
        'both consumers to checkpoint past the corpus',
      );
    } finally {
      controller.abort();
      await running;
    }

    // Assess: nothing given up on.
    expect(discarded).toEqual([]);
    expect(await listKeys(cloud.clients.s3, lakeBucketOf(cloud), ON_FAILURE_PREFIX)).toEqual([]);

    // Every malformed record quarantined by each consumer, with an allowed reason.
    await new QuarantineReader(cloud.clients.s3, lakeBucketOf(cloud), CONSUMERS, ledger).poll(
      utcDays(nowMs, Date.now()),
    );
    const problems: string[] = [];
    for (const [key, entry] of ledger.malformed) {
      const allowed: readonly string[] = FUZZ_KINDS[entry.kind].allowed;
      for (const consumer of CONSUMERS) {
        const reason = entry.reasons.get(consumer);
        if (reason === undefined || !allowed.includes(reason)) {
          problems.push(
            `${entry.kind} ${key}: ${consumer} gave ${reason ?? 'no quarantine'} (allowed ${allowed.join('|')})`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect([...ledger.validQuarantined.keys()]).toEqual([]);

    // The rollups are exactly those of the valid events (nothing else was put into this stream).
    const rollups = await scanRollups(cloud);
    expect(rollupDifferences(expectedRollups(ledger.validEvents), rollups)).toEqual([]);

    // The lake holds every valid event exactly once, and nothing else.
    const lake = await Lake.open(await downloadLake(cloud, join(scratch, 's3')));
    let lakeRows: Map<string, number>;
    let total: number;
    try {
      lakeRows = await markedLakeRows(lake, runId);
      const [counted] = await lake.rows(
        'SELECT (SELECT count(*) FROM clickstream) + (SELECT count(*) FROM telemetry) AS n',
      );
      total = Number(counted?.n);
    } finally {
      lake.close();
    }
    expect([...lakeRows.keys()].sort()).toEqual(ledger.validEvents.map((e) => e.eventId).sort());
    expect([...lakeRows.values()].every((rows) => rows === 1)).toBe(true);
    expect(total).toBe(VALID);

    // And the figures npm run fuzz prints.
    const verdict = judge({
      ledger,
      consumers: CONSUMERS,
      lakeRows,
      rollups: checkMarkedRollups(ledger, runId, rollups),
      onFailure: [],
      functionErrors: lambdaErrors(cloud),
      stalledShards: [],
    });
    expect({ lost: verdict.lost, crashed: verdict.crashed, misclassified: verdict.misclassified }).toEqual({
      lost: 0,
      crashed: 0,
      misclassified: 0,
    });
    expect(Object.values(verdict.byReason).reduce((a, b) => a + b, 0)).toBe(PER_KIND * KIND_NAMES.length);
  });
});
