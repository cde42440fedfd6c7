import { describe, expect, it } from 'vitest';
import { parseEmf } from '../../../../../infra/local/metrics/emf.ts';
import { MetricStore } from '../../../../../infra/local/metrics/metric-store.ts';
import { MetricsSink } from '../../../../../infra/local/metrics/metrics-sink.ts';

// Lines exactly as Powertools Metrics 2.x prints them (publishStoredMetrics, then a singleMetric with a dimension).
const BATCH_LINE =
  '{"_aws":{"Timestamp":1795333686169,"CloudWatchMetrics":[{"Namespace":"Streamlake","Dimensions":[["service"]],' +
  '"Metrics":[{"Name":"RecordsIn","Unit":"Count"},{"Name":"ParquetBytes","Unit":"Bytes"}]}]},' +
  '"service":"streamlake-aggregate","RecordsIn":[10,5],"ParquetBytes":1234}';
const REASON_LINE =
  '{"_aws":{"Timestamp":1795333686171,"CloudWatchMetrics":[{"Namespace":"Streamlake","Dimensions":[["service","reason"]],' +
  '"Metrics":[{"Name":"QuarantinedByReason","Unit":"Count"}]}]},' +
  '"service":"streamlake-aggregate","reason":"too-late","QuarantinedByReason":3}';
const LOG_LINE =
  '{"level":"INFO","message":"batch done","timestamp":"2026-11-22T10:00:00.000Z","service":"streamlake-aggregate"}';

const AGGREGATE = { service: 'streamlake-aggregate' };

describe('parseEmf', () => {
  it('reads Powertools output: namespace, service dimension, unit, timestamp, arrays kept as arrays', () => {
    expect(parseEmf(BATCH_LINE)).toEqual([
      {
        id: { namespace: 'Streamlake', name: 'RecordsIn', dimensions: AGGREGATE },
        values: [10, 5],
        timestampMs: 1795333686169,
        unit: 'Count',
      },
      {
        id: { namespace: 'Streamlake', name: 'ParquetBytes', dimensions: AGGREGATE },
        values: [1234],
        timestampMs: 1795333686169,
        unit: 'Bytes',
      },
    ]);
  });

  it('takes each dimension value from the document root', () => {
    const [metric] = parseEmf(REASON_LINE);
    expect(metric?.id).toEqual({
      namespace: 'Streamlake',
      name: 'QuarantinedByReason',
      dimensions: { service: 'streamlake-aggregate', reason: 'too-late' },
    });
    expect(metric?.values).toEqual([3]);
  });

  it('emits every metric once per dimension set, and once without dimensions for an empty set', () => {
    // Prepare
    const line = JSON.stringify({
      _aws: {
        Timestamp: 1000,
        CloudWatchMetrics: [
          {
            Namespace: 'Streamlake',
            Dimensions: [['service'], ['service', 'shard'], []],
            Metrics: [{ Name: 'RecordsIn' }],
          },
          { Namespace: 'Other', Dimensions: [['shard']], Metrics: [{ Name: 'Lag', Unit: 'Milliseconds' }] },
        ],
      },
      service: 'streamlake-archive',
      shard: 'shardId-000000000001',
      RecordsIn: 7,
      Lag: 250,
    });
    // Act
    const metrics = parseEmf(line);
    // Assess
    expect(metrics.map((m) => [m.id.namespace, m.id.name, m.id.dimensions, m.values])).toEqual([
      ['Streamlake', 'RecordsIn', { service: 'streamlake-archive' }, [7]],
      ['Streamlake', 'RecordsIn', { service: 'streamlake-archive', shard: 'shardId-000000000001' }, [7]],
      ['Streamlake', 'RecordsIn', {}, [7]],
      ['Other', 'Lag', { shard: 'shardId-000000000001' }, [250]],
    ]);
  });

  it.each([
    ['a plain text line', 'START RequestId: 1 Version: $LATEST'],
    ['a JSON log line', LOG_LINE],
    ['broken JSON that mentions _aws', '{"_aws": {'],
    ['a JSON array', '["_aws"]'],
    ['an _aws without directives', '{"_aws":{"Timestamp":1}}'],
  ])('ignores %s', (_, line) => {
    expect(parseEmf(line)).toEqual([]);
  });

  it('skips a dimension set naming a missing or non-string member, and a metric without numbers', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: 1000,
        CloudWatchMetrics: [
          {
            Namespace: 'Streamlake',
            Dimensions: [['service'], ['missing'], ['count']],
            Metrics: [{ Name: 'RecordsIn' }, { Name: 'Absent' }, { Name: 'Text' }],
          },
        ],
      },
      service: 'streamlake-fanout',
      count: 3,
      RecordsIn: [1, 'two', 3],
      Text: 'seven',
    });
    expect(parseEmf(line).map((m) => [m.id.name, m.id.dimensions, m.values])).toEqual([
      ['RecordsIn', { service: 'streamlake-fanout' }, [1, 3]],
    ]);
  });

  it('stamps a document without _aws.Timestamp with the time given', () => {
    const line =
      '{"_aws":{"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"M"}]}]},"M":1}';
    expect(parseEmf(line, 42)[0]?.timestampMs).toBe(42);
  });
});

describe('the functions’ metrics sink', () => {
  it('puts EMF metrics into the store at their timestamp, values of arrays as samples', () => {
    // Prepare
    const store = new MetricStore({ retentionMs: Number.MAX_SAFE_INTEGER });
    const sink = new MetricsSink(store);
    const id = { namespace: 'Streamlake', name: 'RecordsIn', dimensions: AGGREGATE };
    // Act
    sink.accept(BATCH_LINE);
    sink.accept(LOG_LINE);
    // Assess
    expect(store.total(id)).toBe(15);
    expect(store.series(id, 'SampleCount', 1000, 1795333686000, 1795333687000).values).toEqual([2]);
  });

  it('keeps its counters: per service or all services, and split by a further dimension', () => {
    // Prepare
    const sink = new MetricsSink(new MetricStore());
    const now = Date.now();
    const line = (service: string, body: Record<string, unknown>, dimensions = ['service']) =>
      JSON.stringify({
        _aws: {
          Timestamp: now,
          CloudWatchMetrics: [
            {
              Namespace: 'Streamlake',
              Dimensions: [dimensions],
              Metrics: Object.keys(body)
                .filter((k) => k !== 'reason')
                .map((Name) => ({ Name, Unit: 'Count' })),
            },
          ],
        },
        service,
        ...body,
      });
    // Act
    sink.accept(line('streamlake-aggregate', { DuplicatesSkipped: 2, RollupWrites: 10 }));
    sink.accept(line('streamlake-fanout', { DuplicatesSkipped: 5 }));
    sink.accept(
      line('streamlake-aggregate', { reason: 'too-late', QuarantinedByReason: 1 }, ['service', 'reason']),
    );
    sink.accept(
      line('streamlake-aggregate', { reason: 'too-late', QuarantinedByReason: 2 }, ['service', 'reason']),
    );
    sink.accept(
      line('streamlake-archive', { reason: 'oversize', QuarantinedByReason: 4 }, ['service', 'reason']),
    );
    // Assess
    expect(sink.get('DuplicatesSkipped')).toBe(7);
    expect(sink.get('DuplicatesSkipped', 'streamlake-fanout')).toBe(5);
    expect(sink.get('RollupWrites', 'streamlake-fanout')).toBe(0);
    expect(sink.get('QuarantinedByReason')).toBe(0);
    expect(sink.byDimension('QuarantinedByReason', 'streamlake-aggregate')).toEqual({ 'too-late': 3 });
    expect(sink.byDimension('QuarantinedByReason')).toEqual({ 'too-late': 3, oversize: 4 });
  });
});
