import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  type AggregateDeps,
  createAggregateHandler,
} from '../../../../processors/aggregate/aggregate-batch.ts';
import { dedupMemoryOnFake } from '../../support/fake-dedup-table.ts';
import { FakeS3 } from '../../support/fake-s3.ts';
import { FakeTable } from '../../support/fake-table.ts';
import { kinesisRecord, pageView, sequence } from '../../support/kinesis-records.ts';
import { invokePrinting, type PrintedLine } from '../../support/processor-telemetry.ts';

// Before the telemetry module builds its logger and metrics: POWERTOOLS_DEV would change what they print.
vi.hoisted(() => {
  Reflect.deleteProperty(process.env, 'POWERTOOLS_DEV');
  Reflect.deleteProperty(process.env, 'POWERTOOLS_METRICS_DISABLED');
});

const MINUTE = '2026-11-22T05:06Z';
const config: AggregateDeps['config'] = {
  policy: { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 65_536 },
  rollupsTable: 'Rollups',
  lakeBucket: 'lake',
  quarantinePrefix: 'quarantine/',
  retentionSeconds: 90 * 86_400,
  writeConcurrency: 4,
};

/** The aggregate on fakes that note, in one journal, when each write was sent. */
const aggregateOnFakes = (failRollup: (pk: string) => boolean = () => false, failQuarantine = false) => {
  const journal: string[] = [];
  const rollups = new FakeTable({
    keys: ['pk', 'sk'],
    beforeUpdate: (input) => {
      const pk = String(input.Key?.pk);
      journal.push(`rollup ${pk}`);
      if (failRollup(pk)) throw new Error('throttled');
    },
  });
  const s3 = new FakeS3((input) => {
    journal.push(`s3 ${input.Key}`);
    if (failQuarantine) throw new Error('S3 unavailable');
  });
  const handler = createAggregateHandler({
    config,
    dynamodb: rollups.client,
    s3: s3.client,
    duplicates: dedupMemoryOnFake('aggregate'),
  });
  const invoke = (records: KinesisStreamRecord[]) => invokePrinting(() => handler({ Records: records }));
  return { invoke, rollups, s3, journal };
};

/** `/home` (1), `/cart` (2), `/cart` (3), in sequence order. */
const threePageViews = () =>
  [pageView({ page: '/home' }), pageView({ page: '/cart' }), pageView({ page: '/cart' })].map((event, i) =>
    kinesisRecord(event, { sequenceNumber: sequence(i + 1) }),
  );
const notJson = (n: number) => kinesisRecord('not json', { sequenceNumber: sequence(n) });

const emfOf = (lines: readonly PrintedLine[]) => lines.find((line) => '_aws' in line && 'RecordsIn' in line);
const messages = (lines: readonly PrintedLine[], message: string) =>
  lines.filter((line) => line.message === message);

describe('aggregate handler', () => {
  it('writes every rollup item of a clean batch and reports no failure', async () => {
    // Prepare
    const { invoke, rollups, s3 } = aggregateOnFakes();

    // Act
    const { result: response } = await invoke(threePageViews());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(rollups.get({ pk: 'page_views#/cart', sk: MINUTE })).toMatchObject({ count: 2 });
    expect(rollups.get({ pk: 'page_views#/home', sk: MINUTE })).toMatchObject({ count: 1 });
    expect(s3.sent).toEqual([]);
  });

  it('quarantines the bad records before it writes any rollup', async () => {
    // Prepare
    const { invoke, journal } = aggregateOnFakes();

    // Act
    await invoke([...threePageViews(), notJson(4)]);

    // Assess
    expect(journal[0]).toMatch(/^s3 quarantine\/dt=2026-11-22\/aggregate\//);
    expect(journal.slice(1).every((entry) => entry.startsWith('rollup '))).toBe(true);
    expect(journal.length).toBeGreaterThan(1);
  });

  it('fails the whole batch, and writes no rollup, when the quarantine cannot be written', async () => {
    // Prepare
    const { invoke, rollups } = aggregateOnFakes(undefined, true);

    // Act
    const invocation = invoke([...threePageViews(), notJson(4)]);

    // Assess
    await expect(invocation).rejects.toThrow('S3 unavailable');
    expect(rollups.sent).toEqual([]);
  });

  it('names the first record of each failed item for the retry and still writes the other items', async () => {
    // Prepare
    const { invoke, rollups } = aggregateOnFakes((pk) => pk === 'page_views#/cart');

    // Act
    const { result: response } = await invoke(threePageViews());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequence(2) }] });
    expect(rollups.get({ pk: 'page_views#/cart', sk: MINUTE })).toBeUndefined();
    expect(rollups.get({ pk: 'page_views#/home', sk: MINUTE })).toMatchObject({ count: 1 });
  });

  it('names a record once when several failed items start with it', async () => {
    // Prepare: every item fails; the batch's first record starts page_views#/home and events_by_type.
    const { invoke } = aggregateOnFakes(() => true);

    // Act
    const { result: response } = await invoke(threePageViews());

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      sequence(1),
      sequence(2),
    ]);
  });

  it('reports failed writes and quarantined records in its metrics and log', async () => {
    // Prepare
    const { invoke } = aggregateOnFakes((pk) => pk === 'page_views#/cart');

    // Act
    const { lines } = await invoke([...threePageViews(), notJson(4)]);

    // Assess
    expect(emfOf(lines)).toMatchObject({ RecordsIn: 4, RecordsQuarantined: 1, RollupWriteFailures: 1 });
    expect(messages(lines, 'rollup write failed; reporting its first record for retry')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        pk: 'page_views#/cart',
        sk: MINUTE,
        sequenceNumber: sequence(2),
        error: expect.objectContaining({ message: 'throttled' }),
      }),
    ]);
    expect(messages(lines, 'batch aggregated')).toEqual([
      expect.objectContaining({ accepted: 3, quarantined: 1 }),
    ]);
  });

  it('counts a producer duplicate once, in the same batch and in a later one, and reports it', async () => {
    // Prepare: the producer retried /cart twice, once within the batch and once a batch later.
    const { invoke, rollups } = aggregateOnFakes();
    const cart = pageView({ page: '/cart' });
    const first = [pageView({ page: '/home' }), cart, cart].map((event, i) =>
      kinesisRecord(event, { sequenceNumber: sequence(i + 1) }),
    );

    // Act
    const { lines } = await invoke(first);
    await invoke([kinesisRecord(cart, { sequenceNumber: sequence(4) })]);

    // Assess
    expect(rollups.get({ pk: 'page_views#/cart', sk: MINUTE })).toMatchObject({ count: 1 });
    expect(emfOf(lines)).toMatchObject({ RecordsIn: 3, RecordsAggregated: 2, ProducerDuplicates: 1 });
    expect(messages(lines, 'batch aggregated')).toEqual([expect.objectContaining({ producerDuplicates: 1 })]);
  });

  it('counts a re-delivered batch once: its own records are no duplicates of themselves', async () => {
    // Prepare
    const { invoke, rollups } = aggregateOnFakes();
    const batch = threePageViews();

    // Act: Lambda delivers the same records again, as after a timeout.
    await invoke(batch);
    const { result, lines } = await invoke(batch);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(rollups.get({ pk: 'page_views#/cart', sk: MINUTE })).toMatchObject({ count: 2 });
    // The high-water marks skip them (each record once per rollup it feeds); none is a producer duplicate.
    expect(emfOf(lines)).toMatchObject({ ProducerDuplicates: 0 });
    expect(emfOf(lines)?.DuplicatesSkipped).toBeGreaterThanOrEqual(3);
  });
});
