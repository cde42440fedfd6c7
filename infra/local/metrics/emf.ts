import type { MetricId } from './metric-store.ts';

/** One metric extracted from an embedded-metric-format log line. */
export interface EmfMetric {
  readonly id: MetricId;
  readonly values: number[];
  readonly timestampMs: number;
  /** The directive's Unit (CloudWatch keeps it with the datapoint), when given. */
  readonly unit?: string;
}

interface MetricDirective {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

const valuesOf = (raw: unknown): number[] => {
  if (typeof raw === 'number') return Number.isFinite(raw) ? [raw] : [];
  if (!Array.isArray(raw)) return [];
  return raw.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
};

type Document = Record<string, unknown>;

/** The line as a JSON object, or undefined when it is not one. */
const documentOf = (line: string): Document | undefined => {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return parsed as Document;
  } catch {
    return undefined;
  }
};

/** A dimension set's values, read from the document; undefined when a member is missing or not a string. */
const dimensionsOf = (set: unknown[], document: Document): Record<string, string> | undefined => {
  const dimensions: Record<string, string> = {};
  for (const key of set) {
    const value = typeof key === 'string' ? document[key] : undefined;
    if (typeof value !== 'string') return undefined;
    dimensions[key as string] = value;
  }
  return dimensions;
};

/** The dimension sets of a directive; with none at all, the metrics are emitted without dimensions. */
const dimensionSetsOf = (directive: MetricDirective): unknown[] =>
  Array.isArray(directive.Dimensions) && directive.Dimensions.length > 0 ? directive.Dimensions : [[]];

/** The metrics of one directive's definitions, for one dimension set. */
const metricsOf = (
  namespace: string,
  definitions: { Name?: unknown; Unit?: unknown }[],
  dimensions: Record<string, string>,
  document: Document,
  timestampMs: number,
): EmfMetric[] => {
  const metrics: EmfMetric[] = [];
  for (const definition of definitions) {
    if (typeof definition?.Name !== 'string') continue;
    const values = valuesOf(document[definition.Name]);
    if (values.length === 0) continue;
    metrics.push({
      id: { namespace, name: definition.Name, dimensions },
      values,
      timestampMs,
      ...(typeof definition.Unit === 'string' ? { unit: definition.Unit } : {}),
    });
  }
  return metrics;
};

/** Every metric one directive of `_aws.CloudWatchMetrics` names, once per valid dimension set. */
const directiveMetrics = (
  directive: MetricDirective,
  document: Document,
  timestampMs: number,
): EmfMetric[] => {
  if (typeof directive?.Namespace !== 'string' || !Array.isArray(directive.Metrics)) return [];
  const metrics: EmfMetric[] = [];
  for (const set of dimensionSetsOf(directive)) {
    const dimensions = Array.isArray(set) ? dimensionsOf(set, document) : undefined;
    if (!dimensions) continue;
    metrics.push(...metricsOf(directive.Namespace, directive.Metrics, dimensions, document, timestampMs));
  }
  return metrics;
};

/**
 * The metrics of one log line in CloudWatch embedded metric format, as CloudWatch Logs extracts them
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * each directive of `_aws.CloudWatchMetrics` names a namespace, dimension sets and metrics; every metric
 * is emitted once per dimension set, with the dimension values and the metric's value (a number or an
 * array of numbers) read from the root of the document, at `_aws.Timestamp` (`nowMs` when absent).
 * A line that is not EMF yields nothing; so does a dimension set naming a member that is missing or not a
 * string, and a metric without numeric values (CloudWatch would not extract those either).
 */
export const parseEmf = (line: string, nowMs: number = Date.now()): EmfMetric[] => {
  // Cheap rejection of the ordinary JSON and text log lines, before any parsing.
  if (line.charCodeAt(0) !== 123 /* { */ || !line.includes('"_aws"')) return [];
  const document = documentOf(line);
  const aws = document?._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (!document || typeof aws !== 'object' || aws === null || !Array.isArray(aws.CloudWatchMetrics))
    return [];
  const timestampMs = typeof aws.Timestamp === 'number' ? aws.Timestamp : nowMs;
  return (aws.CloudWatchMetrics as MetricDirective[]).flatMap((directive) =>
    directiveMetrics(directive, document, timestampMs),
  );
};
