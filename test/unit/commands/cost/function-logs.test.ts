import { describe, expect, it } from 'vitest';
import { logFiguresOf, metricKey, serviceOf } from '../../../../commands/cost/function-logs.ts';

const emf = (service: string, reason?: string) =>
  JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 'Streamlake',
          Dimensions: [reason ? ['service', 'reason'] : ['service']],
          Metrics: [{ Name: 'RecordsIn' }],
        },
      ],
    },
    service,
    ...(reason ? { reason } : {}),
    RecordsIn: 5,
  });

describe('what the functions log, as CloudWatch bills it', () => {
  it('counts bytes with their newline per service the line names', () => {
    const line = '{"level":"INFO","service":"streamlake-aggregate","message":"batch"}';
    const figures = logFiguresOf([line, line, 'a plain line', '']);
    expect(figures.byService).toEqual({
      'streamlake-aggregate': { lines: 2, bytes: 2 * (line.length + 1) },
      '(other)': { lines: 1, bytes: 13 },
    });
  });

  it('counts each namespace, metric name and dimension values once, however often they are emitted', () => {
    const figures = logFiguresOf([emf('a'), emf('a'), emf('b'), emf('a', 'too-late')]);
    expect(figures.customMetrics).toEqual([
      'Streamlake/RecordsIn{reason=too-late,service=a}',
      'Streamlake/RecordsIn{service=a}',
      'Streamlake/RecordsIn{service=b}',
    ]);
  });

  it('names a metric by its dimensions in a fixed order', () => {
    expect(metricKey({ namespace: 'N', name: 'M', dimensions: { b: '2', a: '1' } })).toBe('N/M{a=1,b=2}');
    expect(serviceOf('{"service":"x"}')).toBe('x');
  });
});
