import { describe, expect, it, vi } from 'vitest';
import { publishBatchMetrics as publishAggregateMetrics } from '../../../../processors/aggregate/telemetry.ts';
import { publishBatchMetrics as publishArchiveMetrics } from '../../../../processors/archive/telemetry.ts';
import { publishFanoutMetrics } from '../../../../processors/fanout/telemetry.ts';
import type { RollupWriteReport } from '../../../../processors/rollups/rollup-writer.ts';
import { type AcceptancePolicy, classifyBatch } from '../../../../processors/shared/classify.ts';
import { kinesisRecord, pageView, sequence } from '../../support/kinesis-records.ts';
import { type PrintedLine, printedBy, streamRecord } from '../../support/processor-telemetry.ts';

// Before the telemetry modules build their Metrics: POWERTOOLS_DEV would switch EMF output off.
vi.hoisted(() => {
  Reflect.deleteProperty(process.env, 'POWERTOOLS_DEV');
  Reflect.deleteProperty(process.env, 'POWERTOOLS_METRICS_DISABLED');
});

const policy: AcceptancePolicy = { allowedLatenessMs: 3_600_000, clockSkewMs: 300_000, maxEventBytes: 4096 };
const ARRIVAL_MS = Date.parse('2026-11-22T05:06:10.000Z');
const NOW_MS = ARRIVAL_MS + 2000;

interface MetricDirective {
  readonly Namespace: string;
  readonly Dimensions: string[][];
  readonly Metrics: { readonly Name: string; readonly Unit: string }[];
}

/** The one metric directive Powertools writes per EMF document (EMF allows several). */
const directiveOf = (document: PrintedLine): MetricDirective => {
  const emf = document._aws as { Timestamp: unknown; CloudWatchMetrics: MetricDirective[] };
  expect(typeof emf.Timestamp).toBe('number');
  expect(emf.CloudWatchMetrics).toHaveLength(1);
  return emf.CloudWatchMetrics[0] as MetricDirective;
};
const unitsOf = (document: PrintedLine) =>
  Object.fromEntries(directiveOf(document).Metrics.map((metric) => [metric.Name, metric.Unit]));
/** EMF keeps each declared metric's value on the root object, under the metric's name. */
const valuesOf = (document: PrintedLine) =>
  Object.fromEntries(directiveOf(document).Metrics.map((metric) => [metric.Name, document[metric.Name]]));

/** Two page views (newest event 05:06:07, newest arrival 05:06:10), two bad JSON lines, one too-late event. */
const mixedBatch = () => {
  const records = [
    kinesisRecord(pageView({ eventTime: '2026-11-22T05:06:07.000Z' }), {
      sequenceNumber: sequence(1),
      arrivalMs: ARRIVAL_MS - 1000,
    }),
    kinesisRecord(pageView({ eventTime: '2026-11-22T05:06:05.000Z' }), {
      sequenceNumber: sequence(2),
      arrivalMs: ARRIVAL_MS,
    }),
    kinesisRecord('not json', { sequenceNumber: sequence(3), arrivalMs: ARRIVAL_MS }),
    kinesisRecord('{', { sequenceNumber: sequence(4), arrivalMs: ARRIVAL_MS }),
    kinesisRecord(pageView({ eventTime: '2026-11-22T03:00:00.000Z' }), {
      sequenceNumber: sequence(5),
      arrivalMs: ARRIVAL_MS,
    }),
  ];
  return { records, batch: classifyBatch(records, policy) };
};

/** The per-reason documents, checked to carry the (service, reason) dimension set. */
const quarantinedByReason = (documents: readonly PrintedLine[], service: string) => {
  const counts: Record<string, unknown> = {};
  for (const document of documents) {
    const directive = directiveOf(document);
    expect(directive.Namespace).toBe('Streamlake');
    expect(directive.Dimensions).toEqual([['service', 'reason']]);
    expect(document.service).toBe(service);
    expect(unitsOf(document)).toEqual({ QuarantinedByReason: 'Count' });
    counts[String(document.reason)] = document.QuarantinedByReason;
  }
  return counts;
};

describe('EMF output of a processor parses into the expected metrics', () => {
  it('aggregate: batch counters and freshness in one document, then one document per quarantine reason', async () => {
    // Prepare
    const { records, batch } = mixedBatch();
    const report = {
      items: 3,
      writes: 5,
      conflictRetries: 1,
      refinements: 1,
      duplicatesSkipped: 2,
      failed: [{ firstSequenceNumber: sequence(1), error: new Error('throttled') }],
    } as unknown as RollupWriteReport;

    // Act
    const [counters, ...byReason] = await printedBy(() =>
      publishAggregateMetrics(records, batch, report, 2, NOW_MS),
    );

    // Assess
    const directive = directiveOf(counters as PrintedLine);
    expect(directive.Namespace).toBe('Streamlake');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(counters?.service).toBe('streamlake-aggregate');
    expect(unitsOf(counters as PrintedLine)).toEqual({
      RecordsIn: 'Count',
      EventsIn: 'Count',
      RecordsAggregated: 'Count',
      RecordsQuarantined: 'Count',
      ProducerDuplicates: 'Count',
      RollupItems: 'Count',
      RollupWrites: 'Count',
      RollupConflictRetries: 'Count',
      RollupExtremesRefinements: 'Count',
      DuplicatesSkipped: 'Count',
      RollupWriteFailures: 'Count',
      FreshnessEventAge: 'Milliseconds',
      FreshnessArrivalAge: 'Milliseconds',
    });
    expect(valuesOf(counters as PrintedLine)).toEqual({
      RecordsIn: 5,
      EventsIn: 7,
      RecordsAggregated: 2,
      RecordsQuarantined: 3,
      ProducerDuplicates: 2,
      RollupItems: 3,
      RollupWrites: 5,
      RollupConflictRetries: 1,
      RollupExtremesRefinements: 1,
      DuplicatesSkipped: 2,
      RollupWriteFailures: 1,
      FreshnessEventAge: 5000,
      FreshnessArrivalAge: 2000,
    });
    expect(quarantinedByReason(byReason, 'streamlake-aggregate')).toEqual({
      'invalid-json': 2,
      'too-late': 1,
    });
  });

  it('archive: batch counters, Parquet output and freshness, then one document per quarantine reason', async () => {
    // Prepare
    const { records, batch } = mixedBatch();

    // Act
    const [counters, ...byReason] = await printedBy(() =>
      publishArchiveMetrics(records, batch, { files: 1, bytes: 2048, producerDuplicates: 2 }, NOW_MS),
    );

    // Assess
    const directive = directiveOf(counters as PrintedLine);
    expect(directive.Namespace).toBe('Streamlake');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(counters?.service).toBe('streamlake-archive');
    expect(unitsOf(counters as PrintedLine)).toEqual({
      RecordsIn: 'Count',
      EventsIn: 'Count',
      RecordsArchived: 'Count',
      RecordsQuarantined: 'Count',
      ProducerDuplicates: 'Count',
      ParquetFiles: 'Count',
      ParquetBytes: 'Bytes',
      FreshnessEventAge: 'Milliseconds',
      FreshnessArrivalAge: 'Milliseconds',
    });
    expect(valuesOf(counters as PrintedLine)).toEqual({
      RecordsIn: 5,
      EventsIn: 7,
      RecordsArchived: 2,
      RecordsQuarantined: 3,
      ProducerDuplicates: 2,
      ParquetFiles: 1,
      ParquetBytes: 2048,
      FreshnessEventAge: 5000,
      FreshnessArrivalAge: 2000,
    });
    expect(quarantinedByReason(byReason, 'streamlake-archive')).toEqual({ 'invalid-json': 2, 'too-late': 1 });
  });

  it('aggregate: a batch with nothing accepted declares no event age rather than a zero', async () => {
    // Prepare
    const records = [kinesisRecord('not json', { arrivalMs: ARRIVAL_MS })];
    const report: RollupWriteReport = {
      items: 0,
      writes: 0,
      conflictRetries: 0,
      refinements: 0,
      duplicatesSkipped: 0,
      failed: [],
    };

    // Act
    const [counters] = await printedBy(() =>
      publishAggregateMetrics(records, classifyBatch(records, policy), report, 0, NOW_MS),
    );

    // Assess
    const units = unitsOf(counters as PrintedLine);
    expect(units).not.toHaveProperty('FreshnessEventAge');
    expect(units).toHaveProperty('FreshnessArrivalAge', 'Milliseconds');
    expect(counters?.FreshnessArrivalAge).toBe(2000);
  });

  it('fan-out: stream batch counters and the age of the newest stream record', async () => {
    // Prepare
    const records = [
      streamRecord({ sequenceNumber: '100', createdMs: ARRIVAL_MS - 4000 }),
      streamRecord({ sequenceNumber: '101', createdMs: ARRIVAL_MS }),
    ];
    const counts = {
      records: 2,
      ignored: 1,
      derivedItems: 4,
      derivedUpdates: 5,
      duplicatesSkipped: 1,
      deviceUpdates: 1,
      alertsOpened: 1,
      alertsResolved: 0,
      failures: 0,
    };

    // Act
    const documents = await printedBy(() => publishFanoutMetrics(counts, records, NOW_MS));

    // Assess
    expect(documents).toHaveLength(1);
    const [counters] = documents as [PrintedLine];
    const directive = directiveOf(counters);
    expect(directive.Namespace).toBe('Streamlake');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(counters.service).toBe('streamlake-fanout');
    expect(unitsOf(counters)).toEqual({
      StreamRecordsIn: 'Count',
      StreamRecordsIgnored: 'Count',
      DerivedItems: 'Count',
      DerivedUpdates: 'Count',
      DuplicatesSkipped: 'Count',
      DeviceStateUpdates: 'Count',
      AlertsOpened: 'Count',
      AlertsResolved: 'Count',
      FanoutFailures: 'Count',
      FreshnessArrivalAge: 'Milliseconds',
    });
    expect(valuesOf(counters)).toEqual({
      StreamRecordsIn: 2,
      StreamRecordsIgnored: 1,
      DerivedItems: 4,
      DerivedUpdates: 5,
      DuplicatesSkipped: 1,
      DeviceStateUpdates: 1,
      AlertsOpened: 1,
      AlertsResolved: 0,
      FanoutFailures: 0,
      FreshnessArrivalAge: 2000,
    });
  });

  it('fan-out: the silent-device check publishes only its alert counters, with no freshness', async () => {
    // Act
    const documents = await printedBy(() =>
      publishFanoutMetrics({ alertsOpened: 2, alertsResolved: 1, failures: 0 }),
    );

    // Assess
    expect(documents).toHaveLength(1);
    const [counters] = documents as [PrintedLine];
    expect(counters.service).toBe('streamlake-fanout');
    expect(unitsOf(counters)).toEqual({
      AlertsOpened: 'Count',
      AlertsResolved: 'Count',
      FanoutFailures: 'Count',
    });
    expect(valuesOf(counters)).toEqual({ AlertsOpened: 2, AlertsResolved: 1, FanoutFailures: 0 });
  });
});
