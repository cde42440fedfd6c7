import { Duration } from 'aws-cdk-lib';
import { type IMetric, MathExpression, Metric, SearchExpression } from 'aws-cdk-lib/aws-cloudwatch';
import {
  type MetricSpec,
  mathExpressionOf,
  metricsOf,
  type SeriesSpec,
  searchExpressionOf,
} from '../../dashboards/index.ts';

/**
 * The CloudWatch metric of one series of dashboards/, for a graph, a number or an alarm.
 *
 * `index` is the series' place in its widget (or 0 for an alarm): the metrics a derived series reads are
 * registered as `m<index>_<n>`, so ids stay unique within the whole widget. Units are left out on
 * purpose: an alarm with a unit only sees datapoints published with exactly that unit.
 */
export function metricOfSeries(series: SeriesSpec, periodSeconds: number, index = 0): IMetric {
  const period = Duration.seconds(periodSeconds);
  switch (series.kind) {
    case 'metric':
      return metricOf(series, period);
    case 'search':
      // SearchExpression, not MathExpression: same rendering, and CDK refuses it in an alarm (CloudWatch does too).
      return new SearchExpression({
        expression: searchExpressionOf(series, periodSeconds),
        label: series.label,
        period,
      });
    case 'perSecond':
    case 'percent':
    case 'total': {
      const idOf = (n: number) => `m${index}_${n}`;
      const metrics = metricsOf(series);
      return new MathExpression({
        expression: mathExpressionOf(
          series,
          metrics.map((_, n) => idOf(n)),
        ),
        usingMetrics: Object.fromEntries(metrics.map((metric, n) => [idOf(n), metricOf(metric, period)])),
        label: series.label,
        period,
      });
    }
  }
}

function metricOf(spec: MetricSpec, period: Duration): Metric {
  return new Metric({
    namespace: spec.namespace,
    metricName: spec.name,
    dimensionsMap: { ...spec.dimensions },
    statistic: spec.statistic,
    label: spec.label,
    period,
  });
}
