import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the synthesized template declares that CloudWatch bills by the month. */
export interface TemplateFigures {
  /** Metrics the standard alarms watch (an alarm on a metric-math expression counts each metric in it). */
  readonly alarmMetrics: number;
  readonly dashboards: number;
  /** Metric filters: each puts one custom metric. */
  readonly metricFilters: number;
  /**
   * DynamoDB tables by logical name, each with its global secondary indexes: what provisioned capacity is set
   * on (each at least one unit). Absent in runs saved before it was read.
   */
  readonly tables?: Readonly<Record<string, readonly string[]>>;
}

interface Resource {
  readonly Type?: string;
  readonly Properties?: {
    readonly Metrics?: readonly { readonly MetricStat?: unknown }[];
    readonly GlobalSecondaryIndexes?: readonly { readonly IndexName?: string }[];
  };
}

/** A logical id without CloudFormation's 8-character hash: `RollupsTable1AD9B0DB` → `RollupsTable`. */
export const logicalName = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');

/** Counts alarms' metrics, dashboards and metric filters in a template's resources (pure). */
export const templateFiguresOf = (resources: Readonly<Record<string, Resource>>): TemplateFigures => {
  let alarmMetrics = 0;
  let dashboards = 0;
  let metricFilters = 0;
  const tables: Record<string, string[]> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::CloudWatch::Alarm') {
      const metrics = resource.Properties?.Metrics;
      alarmMetrics += metrics ? Math.max(1, metrics.filter((m) => m.MetricStat !== undefined).length) : 1;
    } else if (resource.Type === 'AWS::CloudWatch::Dashboard') dashboards++;
    else if (resource.Type === 'AWS::Logs::MetricFilter') metricFilters++;
    else if (resource.Type === 'AWS::DynamoDB::Table') {
      tables[logicalName(id)] = (resource.Properties?.GlobalSecondaryIndexes ?? []).flatMap((index) =>
        index.IndexName ? [index.IndexName] : [],
      );
    }
  }
  return { alarmMetrics, dashboards, metricFilters, tables };
};

/** Reads the stack's template from a cloud assembly folder (`<state>/cdk.out`). */
export const templateFigures = (assemblyDir: string): TemplateFigures => {
  const file = readdirSync(assemblyDir).find((name) => name.endsWith('.template.json'));
  if (!file) throw new Error(`no *.template.json in ${assemblyDir}: the synth did not run`);
  const template = JSON.parse(readFileSync(join(assemblyDir, file), 'utf8')) as {
    Resources?: Record<string, Resource>;
  };
  return templateFiguresOf(template.Resources ?? {});
};
