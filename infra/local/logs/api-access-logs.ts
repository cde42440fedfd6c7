import type { RestApiPlan } from '../apigateway/api-plan.ts';
import type { ApiAccessEntry } from '../apigateway/start-rest-apis.ts';
import type { MetricStore } from '../metrics/metric-store.ts';
import { ACCESS_LOG_ROTATION, RotatingLog } from '../rotating-log.ts';
import { accessLogLine } from './access-log-line.ts';
import { compileFilterPattern, type FilterPattern } from './filter-pattern.ts';
import type { MetricFilterPlan, MetricTransformationPlan } from './metric-filter-plan.ts';

const APIGATEWAY = 'AWS/ApiGateway';

interface CompiledFilter {
  readonly matches: FilterPattern;
  readonly transformations: readonly MetricTransformationPlan[];
}

const fieldOf = (json: unknown, selector: string): unknown => {
  let at = json;
  for (const key of selector.replace(/^\$\./, '').split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
};

/**
 * What CloudWatch gets from the local REST APIs: API Gateway's stage metrics (Count, 4XXError, 5XXError, Latency,
 * IntegrationLatency by ApiName and by ApiName+Stage), each stage's access log line (written to a rotating file in
 * the state folder, one per log group), and the template's metric filters on those log groups, applied to the lines.
 */
export class ApiAccessLogs {
  private readonly apis: ReadonlyMap<string, RestApiPlan>;
  private readonly filters = new Map<string, CompiledFilter[]>();
  private readonly logs = new Map<string, RotatingLog>();

  constructor(
    apis: readonly RestApiPlan[],
    filters: readonly MetricFilterPlan[],
    private readonly store: MetricStore,
    /** Where a log group's lines go (`logs/<log group logical id>.log`); none: the lines only feed the filters. */
    private readonly logFileOf?: (logGroupLogicalId: string) => string,
  ) {
    this.apis = new Map(apis.map((api) => [api.logicalId, api]));
    for (const filter of filters) {
      let matches: FilterPattern;
      try {
        matches = compileFilterPattern(filter.pattern);
      } catch (error) {
        throw new Error(`metric filter ${filter.logicalId}: ${(error as Error).message}`);
      }
      const onGroup = this.filters.get(filter.logGroupLogicalId) ?? [];
      onGroup.push({ matches, transformations: filter.transformations });
      this.filters.set(filter.logGroupLogicalId, onGroup);
    }
  }

  readonly record = (entry: ApiAccessEntry): void => {
    const api = this.apis.get(entry.apiLogicalId);
    if (!api) return;
    const at = entry.request.receivedAtMs;
    this.stageMetrics(api.name, entry, at);
    const accessLog = api.stages.find((stage) => stage.stageName === entry.answer.stage)?.accessLog;
    if (!accessLog) return;
    const line = accessLogLine(accessLog.format, entry, api.apiId);
    const group = accessLog.logGroupLogicalId;
    if (!group) return;
    this.logOf(group)?.append(line);
    this.applyFilters(group, line, at);
  };

  private stageMetrics(apiName: string, entry: ApiAccessEntry, at: number): void {
    const { status, integrationLatencyMs } = entry.answer;
    const byApi: Record<string, string> = { ApiName: apiName };
    for (const dimensions of [byApi, { ...byApi, Stage: entry.answer.stage }]) {
      const put = (name: string, value: number, distribution = false) =>
        this.store.put({ namespace: APIGATEWAY, name, dimensions }, value, at, { distribution });
      put('Count', 1);
      put('4XXError', status >= 400 && status < 500 ? 1 : 0);
      put('5XXError', status >= 500 ? 1 : 0);
      put('Latency', entry.latencyMs, true);
      if (integrationLatencyMs !== undefined) put('IntegrationLatency', integrationLatencyMs, true);
    }
  }

  private logOf(group: string): RotatingLog | undefined {
    if (!this.logFileOf) return undefined;
    let log = this.logs.get(group);
    if (!log) {
      log = new RotatingLog(this.logFileOf(group), ACCESS_LOG_ROTATION);
      this.logs.set(group, log);
    }
    return log;
  }

  private applyFilters(group: string, line: string, at: number): void {
    const filters = this.filters.get(group);
    if (!filters) return;
    let parsed: unknown;
    let tried = false;
    const json = () => {
      if (!tried) {
        tried = true;
        try {
          parsed = JSON.parse(line);
        } catch {
          parsed = undefined;
        }
      }
      return parsed;
    };
    for (const filter of filters) {
      if (!filter.matches(line, json)) continue;
      for (const t of filter.transformations) this.transform(t, json(), at);
    }
  }

  private transform(t: MetricTransformationPlan, json: unknown, at: number): void {
    const value = t.value.startsWith('$.') ? Number(fieldOf(json, t.value)) : Number(t.value);
    if (!Number.isFinite(value)) return;
    const dimensions: Record<string, string> = {};
    for (const [name, selector] of Object.entries(t.dimensions)) {
      const field = fieldOf(json, selector);
      // CloudWatch skips the line when a dimension's field is missing.
      if (field === undefined || field === null) return;
      dimensions[name] = String(field);
    }
    this.store.put({ namespace: t.namespace, name: t.name, dimensions }, value, at);
  }
}
