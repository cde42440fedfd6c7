/**
 * What a chart line or an alarm watches, as plain data: CDK renders it as CloudWatch metrics and
 * metric math, the local dashboard evaluates it over the local cloud's metric store.
 */
/** CloudWatch's statistics, percentiles (`p99`) included. */
export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' | `p${number}`;

/** CloudWatch's units that streamlake's series use; `None` for a ratio (Firehose's DeliveryToS3.Success). */
export type Unit = 'Count' | 'Milliseconds' | 'Seconds' | 'Bytes' | 'Percent' | 'Count/Second' | 'None';

/** One CloudWatch metric: namespace, name and its exact dimension set. */
export interface MetricSpec {
  readonly kind: 'metric';
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly label: string;
  readonly unit: Unit;
}

/** A counter per second: Sum / PERIOD on CloudWatch. */
export interface PerSecondSpec {
  readonly kind: 'perSecond';
  readonly of: MetricSpec;
  readonly label: string;
}

/** 100 × part / whole, 0 while the whole is 0 (an idle function has no error rate). */
export interface PercentSpec {
  readonly kind: 'percent';
  readonly part: MetricSpec;
  readonly whole: MetricSpec;
  readonly label: string;
}

/** The sum of several metrics, a missing one counting as 0. */
export interface TotalSpec {
  readonly kind: 'total';
  readonly of: readonly MetricSpec[];
  readonly label: string;
}

/** One line per value of `groupBy` among the metrics named so with the fixed dimensions (CloudWatch SEARCH). */
export interface SearchSpec {
  readonly kind: 'search';
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly groupBy: string;
  readonly statistic: Statistic;
  readonly label: string;
  readonly unit: Unit;
}

export type SeriesSpec = MetricSpec | PerSecondSpec | PercentSpec | TotalSpec | SearchSpec;

/** The unit a series is shown in. */
export const unitOf = (series: SeriesSpec): Unit => {
  switch (series.kind) {
    case 'metric':
    case 'search':
      return series.unit;
    case 'perSecond':
      return 'Count/Second';
    case 'percent':
      return 'Percent';
    case 'total':
      return series.of[0]?.unit ?? 'Count';
  }
};

/** The metrics a series reads. */
export const metricsOf = (series: SeriesSpec): readonly MetricSpec[] => {
  switch (series.kind) {
    case 'metric':
      return [series];
    case 'search':
      return [];
    case 'perSecond':
      return [series.of];
    case 'percent':
      return [series.part, series.whole];
    case 'total':
      return series.of;
  }
};

/** CloudWatch metric-math for a derived series, given the ids its metrics were registered under. */
export const mathExpressionOf = (series: PerSecondSpec | PercentSpec | TotalSpec, ids: readonly string[]) => {
  switch (series.kind) {
    case 'perSecond':
      return `${ids[0]} / PERIOD(${ids[0]})`;
    case 'percent':
      return `IF(${ids[1]} > 0, 100 * ${ids[0]} / ${ids[1]}, 0)`;
    case 'total':
      return ids.map((id) => `FILL(${id}, 0)`).join(' + ');
  }
};

/** CloudWatch SEARCH expression of a search series at a period: `{namespace,dimension…} terms`. */
export const searchExpressionOf = (series: SearchSpec, periodSeconds: number): string => {
  const schema = [series.namespace, ...[...Object.keys(series.dimensions), series.groupBy].sort()];
  const terms = Object.entries(series.dimensions).map(([key, value]) => `${key}="${value}"`);
  const query = [...terms, `MetricName="${series.name}"`].join(' ');
  return `SEARCH('{${schema.join(',')}} ${query}', '${series.statistic}', ${periodSeconds})`;
};
