import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the synthesized template declares that CloudWatch bills by the month. */
export interface TemplateFigures {
  /** Metrics the standard alarms watch (an alarm on a metric-math expression counts each metric in it). */
  readonly alarmMetrics: number;
  readonly dashboards: number;
  /** Metric filters: each puts one custom metric. */
  readonly metricFilters: number;
}

interface Resource {
  readonly Type?: string;
  readonly Properties?: { readonly Metrics?: readonly { readonly MetricStat?: unknown }[] };
}

/** Counts alarms' metrics, dashboards and metric filters in a template's resources (pure). */
export const templateFiguresOf = (resources: Readonly<Record<string, Resource>>): TemplateFigures => {
  let alarmMetrics = 0;
  let dashboards = 0;
  let metricFilters = 0;
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::CloudWatch::Alarm') {
      const metrics = resource.Properties?.Metrics;
      alarmMetrics += metrics ? Math.max(1, metrics.filter((m) => m.MetricStat !== undefined).length) : 1;
    } else if (resource.Type === 'AWS::CloudWatch::Dashboard') dashboards++;
    else if (resource.Type === 'AWS::Logs::MetricFilter') metricFilters++;
  }
  return { alarmMetrics, dashboards, metricFilters };
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
