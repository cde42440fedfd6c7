import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { kinesisRecord, pageView, reading, SHARD, sequence } from '../../support/kinesis-records.ts';
import { type PrintedLine, printedBy } from '../../support/processor-telemetry.ts';
import { archiveOnFakes } from './archive-on-fakes.ts';

// Before the telemetry module builds its logger and metrics: POWERTOOLS_DEV would change what they print.
vi.hoisted(() => {
  Reflect.deleteProperty(process.env, 'POWERTOOLS_DEV');
  Reflect.deleteProperty(process.env, 'POWERTOOLS_METRICS_DISABLED');
});

const HOUR = 'dt=2026-11-22/hour=05';
const file = (dataset: string, first: number, last: number) =>
  `lake/${dataset}/${HOUR}/${SHARD}-${sequence(first)}-${sequence(last)}.parquet`;

/** Page views numbered 1..n. */
const pageViews = (n: number) =>
  Array.from({ length: n }, (_, i) => kinesisRecord(pageView(), { sequenceNumber: sequence(i + 1) }));
/** A page view (odd numbers) and a reading (even numbers), 1..n. */
const twoDatasets = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    kinesisRecord(i % 2 ? reading() : pageView(), { sequenceNumber: sequence(i + 1) }),
  );

/** Invokes `handle` expecting it to fail with `message` (what it logs on the way is caught, not printed). */
const cutShort = async (
  handle: (records: KinesisStreamRecord[]) => Promise<unknown>,
  records: KinesisStreamRecord[],
  message: string,
) => {
  let failure: unknown;
  await printedBy(() =>
    handle(records).catch((error: unknown) => {
      failure = error;
    }),
  );
  expect(failure).toEqual(expect.objectContaining({ message }));
};

const archived = (lines: readonly PrintedLine[]) => lines.find((line) => line.message === 'batch archived');

/** Delivers `batches` one after the other; gives back the lake keys written meanwhile and the batch logs. */
const redeliver = async (
  invoke: ReturnType<typeof archiveOnFakes>['invoke'],
  s3: ReturnType<typeof archiveOnFakes>['s3'],
  batches: KinesisStreamRecord[][],
) => {
  const before = s3.sent.length;
  const logs: (PrintedLine | undefined)[] = [];
  for (const batch of batches) {
    const { result, lines } = await invoke(batch);
    expect(result).toEqual({ batchItemFailures: [] });
    logs.push(archived(lines));
  }
  const written = s3.sent.slice(before).map((put) => String(put.Key));
  return { written: written.filter((key) => key.startsWith('lake/')), logs };
};

describe('the archive cut short after its lake files landed (the crash window)', () => {
  it('stores every record once when the re-delivery is cut differently, in another environment', async () => {
    // Prepare: the memory write of the batch 1..4 fails after its one file landed.
    let memoryDown = true;
    const { handle, cold, s3 } = archiveOnFakes({ memoryWrite: () => memoryDown });
    const records = pageViews(6);
    await cutShort(handle, records.slice(0, 4), 'DynamoDB unavailable');
    memoryDown = false;

    // Act: a restart cuts the shard anew: 1..2, then 3..6.
    const { written, logs } = await redeliver(cold().invoke, s3, [records.slice(0, 2), records.slice(2)]);

    // Assess: 1..4 are in the file that landed; only 5..6 are new.
    expect(s3.keys().filter((key) => key === file('clickstream', 1, 4))).toHaveLength(1);
    expect(written).toEqual([file('clickstream', 5, 6)]);
    expect(logs).toEqual([
      expect.objectContaining({ archived: 0, alreadyArchived: 2, files: 0 }),
      expect.objectContaining({ archived: 2, alreadyArchived: 2, files: 1 }),
    ]);
  });

  it('stores every record once when the retry runs in the same environment', async () => {
    // Prepare
    let memoryDown = true;
    const { handle, invoke, s3 } = archiveOnFakes({ memoryWrite: () => memoryDown });
    const records = pageViews(6);
    await cutShort(handle, records.slice(0, 4), 'DynamoDB unavailable');
    memoryDown = false;

    // Act
    const { written } = await redeliver(invoke, s3, [records.slice(0, 3), records.slice(3)]);

    // Assess
    expect(written).toEqual([file('clickstream', 5, 6)]);
  });

  it('writes nothing again when the same batch comes again', async () => {
    // Prepare
    let memoryDown = true;
    const { handle, cold, s3 } = archiveOnFakes({ memoryWrite: () => memoryDown });
    const records = twoDatasets(4);
    await cutShort(handle, records, 'DynamoDB unavailable');
    memoryDown = false;

    // Act
    const { written, logs } = await redeliver(cold().invoke, s3, [records]);

    // Assess
    expect(written).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ archived: 0, alreadyArchived: 4 })]);
  });

  it('writes again only the records of the files that did not land, keeping the landed ones announced', async () => {
    // Prepare: the batch 1..6 wrote its page views (1, 3, 5); its readings (2, 4, 6) failed.
    let telemetryDown = true;
    const { handle, cold, s3 } = archiveOnFakes({
      lakeWrite: (key) => telemetryDown && key.startsWith('lake/telemetry/'),
    });
    const records = twoDatasets(6);
    await cutShort(handle, records, 'S3 unavailable');
    telemetryDown = false;

    // Act: 1..3 (writes reading 2, announcing it beside the landed page views), then 4..6.
    const { written } = await redeliver(cold().invoke, s3, [records.slice(0, 3), records.slice(3)]);

    // Assess: page view 5 is still known to be stored when 4..6 comes, after 1..3 replaced the intent.
    expect(written).toEqual([file('telemetry', 2, 2), file('telemetry', 4, 6)]);
  });

  it('writes every record when the batch was cut short before any file landed', async () => {
    // Prepare
    let lakeDown = true;
    const { handle, cold, s3 } = archiveOnFakes({ lakeWrite: (key) => lakeDown && key.startsWith('lake/') });
    const records = pageViews(4);
    await cutShort(handle, records, 'S3 unavailable');
    lakeDown = false;

    // Act
    const { written } = await redeliver(cold().invoke, s3, [records.slice(0, 1), records.slice(1)]);

    // Assess
    expect(written).toEqual([file('clickstream', 1, 1), file('clickstream', 2, 4)]);
    expect(s3.listed).toEqual([file('clickstream', 1, 4)]);
  });

  it('starts no lake write once one failed, so nothing of the failed attempt lands later', async () => {
    // Prepare: one write at a time; the first fails.
    const { handle, s3 } = archiveOnFakes(
      { lakeWrite: (key) => key.startsWith('lake/') },
      { writeConcurrency: 1 },
    );

    // Act
    await cutShort(handle, twoDatasets(2), 'S3 unavailable');

    // Assess
    expect(s3.keys().filter((key) => key.startsWith('lake/'))).toHaveLength(1);
  });
});

describe('what the intent costs a batch that follows one that completed', () => {
  it('one read and one write of the intent, the memory as before, and no lake lookup', async () => {
    // Prepare
    const { invoke, cold, s3, table } = archiveOnFakes();
    const records = twoDatasets(8);
    await invoke(records.slice(0, 4));
    const sentBefore = table.sent.length;

    // Act: the next batch, in another environment (the previous intent is read, not known in process).
    await cold().invoke(records.slice(4));

    // Assess
    expect(table.sent.slice(sentBefore).sort()).toEqual(['Get', 'Put', 'Query', 'Update']);
    expect(s3.listed).toEqual([]);
    expect(table.updated.get(`archive-intent#${SHARD} lake-files`)).toMatchObject({
      files: [
        { dataset: 'clickstream', partition: HOUR, first: sequence(5), last: sequence(7) },
        { dataset: 'telemetry', partition: HOUR, first: sequence(6), last: sequence(8) },
      ],
    });
  });

  it('nothing at all for a batch without accepted records', async () => {
    // Prepare
    const { invoke, table } = archiveOnFakes();

    // Act
    await invoke([kinesisRecord('not json', { sequenceNumber: sequence(1) })]);

    // Assess
    expect(table.sent).toEqual([]);
  });
});
