import { describe, expect, it, vi } from 'vitest';
import { throughEdge } from '../../support/edge-context.ts';
import { kinesisRecord, pageView, reading, SHARD, sequence } from '../../support/kinesis-records.ts';
import { type PrintedLine, printedBy } from '../../support/processor-telemetry.ts';
import { archiveOnFakes as onFakes } from './archive-on-fakes.ts';

// Before the telemetry module builds its logger and metrics: POWERTOOLS_DEV would change what they print.
vi.hoisted(() => {
  Reflect.deleteProperty(process.env, 'POWERTOOLS_DEV');
  Reflect.deleteProperty(process.env, 'POWERTOOLS_METRICS_DISABLED');
});

/** The archive on fakes; `fail` names the keys whose PutObject fails. */
const archiveOnFakes = (fail: (key: string) => boolean = () => false) => onFakes({ lakeWrite: fail });

/** A page view (1), a reading (2), a page view (3), all in hour 05. */
const twoDatasets = () =>
  [pageView(), reading(), pageView()].map((event, i) =>
    kinesisRecord(event, { sequenceNumber: sequence(i + 1) }),
  );
const notJson = (n: number) => kinesisRecord('not json', { sequenceNumber: sequence(n) });

const CLICKSTREAM_FILE = `lake/clickstream/dt=2026-11-22/hour=05/${SHARD}-${sequence(1)}-${sequence(3)}.parquet`;
const TELEMETRY_FILE = `lake/telemetry/dt=2026-11-22/hour=05/${SHARD}-${sequence(2)}-${sequence(2)}.parquet`;
const QUARANTINE_FILE = `quarantine/dt=2026-11-22/archive/${SHARD}/${sequence(4)}-${sequence(4)}.jsonl`;

const messages = (lines: readonly PrintedLine[], message: string) =>
  lines.filter((line) => line.message === message);

describe('archive handler', () => {
  it('writes one Parquet file per dataset and hour, named by the records it holds', async () => {
    // Prepare
    const { invoke, s3 } = archiveOnFakes();

    // Act
    const { result } = await invoke(twoDatasets());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(s3.keys().sort()).toEqual([CLICKSTREAM_FILE, TELEMETRY_FILE]);
    expect(s3.sent.every((input) => input.Bucket === 'lake')).toBe(true);
  });

  it('quarantines the bad records before it writes any lake file', async () => {
    // Prepare
    const { invoke, s3 } = archiveOnFakes();

    // Act
    await invoke([...twoDatasets(), notJson(4)]);

    // Assess
    expect(s3.keys()[0]).toBe(QUARANTINE_FILE);
    expect(s3.keys().slice(1).sort()).toEqual([CLICKSTREAM_FILE, TELEMETRY_FILE]);
  });

  it('fails the whole batch, and writes no lake file, when the quarantine cannot be written', async () => {
    // Prepare
    const { invoke, s3 } = archiveOnFakes((key) => key.startsWith('quarantine/'));

    // Act
    const invocation = invoke([...twoDatasets(), notJson(4)]);

    // Assess
    await expect(invocation).rejects.toThrow('S3 unavailable');
    expect(s3.keys()).toEqual([QUARANTINE_FILE]);
  });

  it('fails the whole batch when a lake file cannot be written, so the retry rewrites every file', async () => {
    // Prepare
    const { invoke } = archiveOnFakes((key) => key === TELEMETRY_FILE);

    // Act
    const invocation = invoke(twoDatasets());

    // Assess
    await expect(invocation).rejects.toThrow('S3 unavailable');
  });

  it('logs the lake file it could not write', async () => {
    // Prepare
    const { handle } = archiveOnFakes((key) => key === TELEMETRY_FILE);

    // Act
    const lines = await printedBy(() => handle(twoDatasets()).catch(() => undefined));

    // Assess
    expect(messages(lines, 'lake write failed; failing the batch so Lambda retries it whole')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        key: TELEMETRY_FILE,
        error: expect.objectContaining({ message: 'S3 unavailable' }),
      }),
    ]);
  });

  it('reports files, bytes and quarantined records in its metrics and log', async () => {
    // Prepare
    const { invoke } = archiveOnFakes();

    // Act
    const { lines } = await invoke([...twoDatasets(), notJson(4)]);

    // Assess
    expect(lines.find((line) => '_aws' in line && 'RecordsIn' in line)).toMatchObject({
      RecordsIn: 4,
      RecordsArchived: 3,
      RecordsQuarantined: 1,
      ParquetFiles: 2,
    });
    expect(messages(lines, 'batch archived')).toEqual([
      expect.objectContaining({ archived: 3, quarantined: 1, files: 2, bytes: expect.any(Number) }),
    ]);
  });

  it('stores a producer duplicate once: the later copy is left out of the file and reported', async () => {
    // Prepare
    const { invoke, s3 } = archiveOnFakes();
    const view = pageView();
    const records = [view, view].map((event, i) => kinesisRecord(event, { sequenceNumber: sequence(i + 1) }));

    // Act
    const { lines } = await invoke(records);

    // Assess: one file, named by the one record it holds.
    expect(s3.sent.map((put) => put.Key)).toEqual([
      `lake/clickstream/dt=2026-11-22/hour=05/${SHARD}-${sequence(1)}-${sequence(1)}.parquet`,
    ]);
    expect(messages(lines, 'batch archived')).toEqual([
      expect.objectContaining({ archived: 1, producerDuplicates: 1 }),
    ]);
  });

  it('stores an event resent through the collector once: copies differing only in edge context are one event', async () => {
    // Prepare: the tracker resends after a lost response; the collector gives the copy a new request and time.
    const { invoke, s3 } = archiveOnFakes();
    const view = pageView();
    const copies = [
      throughEdge(view),
      throughEdge(view, { requestId: 'second-request', receivedAt: '2026-11-22T05:06:07.999Z' }),
    ];
    const records = copies.map((event, i) => kinesisRecord(event, { sequenceNumber: sequence(i + 1) }));

    // Act
    const { lines } = await invoke(records);

    // Assess
    expect(s3.sent.map((put) => put.Key)).toEqual([
      `lake/clickstream/dt=2026-11-22/hour=05/${SHARD}-${sequence(1)}-${sequence(1)}.parquet`,
    ]);
    expect(messages(lines, 'batch archived')).toEqual([
      expect.objectContaining({ archived: 1, producerDuplicates: 1 }),
    ]);
  });

  it('stores nothing twice when records it archived come again in a batch cut differently (a restart)', async () => {
    // Prepare
    const { invoke, s3 } = archiveOnFakes();
    const records = [pageView(), pageView(), pageView(), pageView()].map((event, i) =>
      kinesisRecord(event, { sequenceNumber: sequence(i + 1) }),
    );
    await invoke(records.slice(0, 3));
    const written = s3.sent.length;

    // Act: a restart from an older checkpoint delivers 2..4; only 4 is new.
    const { lines } = await invoke(records.slice(1));

    // Assess
    expect(s3.sent.slice(written).map((put) => put.Key)).toEqual([
      `lake/clickstream/dt=2026-11-22/hour=05/${SHARD}-${sequence(4)}-${sequence(4)}.parquet`,
    ]);
    expect(messages(lines, 'batch archived')).toEqual([
      expect.objectContaining({ archived: 1, alreadyArchived: 2, producerDuplicates: 0 }),
    ]);
  });
});
