import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestApiPlan } from '../../../../../infra/local/apigateway/api-plan.ts';
import { accessLogLine } from '../../../../../infra/local/logs/access-log-line.ts';
import { ApiAccessLogs } from '../../../../../infra/local/logs/api-access-logs.ts';
import { MetricStore } from '../../../../../infra/local/metrics/metric-store.ts';
import { accessEntry } from './access-entry.ts';

const FORMAT =
  '{"requestId":"$context.requestId","apiName":"Streamlake-collector","status":"$context.status","error":"$context.error.responseType","latencyMs":"$context.responseLatency","agent":"$context.identity.userAgent","apiKeyId":"$context.identity.apiKeyId"}';

const api = (logGroup?: string): RestApiPlan => ({
  logicalId: 'CollectorApi',
  name: 'Streamlake-collector',
  apiId: 'abcdefghij',
  apiKeySource: 'HEADER',
  methods: [],
  gatewayResponses: {},
  usagePlans: [],
  stages: [
    {
      stageName: 'prod',
      variables: {},
      methodThrottles: {},
      accessLog: { format: FORMAT, ...(logGroup ? { logGroupLogicalId: logGroup } : {}) },
    },
  ],
});

const BY_STATUS = {
  logicalId: 'ResponsesByStatus',
  logGroupLogicalId: 'AccessLog',
  pattern: '{ $.status = "*" }',
  transformations: [
    {
      namespace: 'Streamlake',
      name: 'CollectorResponses',
      value: '1',
      dimensions: { ApiName: '$.apiName', status: '$.status' },
    },
  ],
};

const AT = Date.UTC(2026, 11, 2, 14, 0, 0);
const sumOf = (store: MetricStore, namespace: string, name: string, dimensions: Record<string, string>) =>
  store
    .series({ namespace, name, dimensions }, 'Sum', 60_000, AT - 60_000, AT + 60_000)
    .values.find((v) => v !== null);

describe('access log lines', () => {
  it('fills each $context variable, "-" where the request has none, and escapes quotes', () => {
    const line = accessLogLine(FORMAT, accessEntry({ status: 429 }, { userAgent: 'a "quoted" agent' }), 'id');
    expect(JSON.parse(line)).toEqual({
      requestId: 'r-1',
      apiName: 'Streamlake-collector',
      status: '429',
      error: '-',
      latencyMs: '12',
      agent: 'a "quoted" agent',
      apiKeyId: '-',
    });
  });
});

describe('the local REST APIs seen by CloudWatch', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('counts requests, 4xx, 5xx and latency by ApiName and by ApiName and Stage', () => {
    const store = new MetricStore({ clock: () => AT });
    const logs = new ApiAccessLogs([api()], [], store);
    logs.record(accessEntry({ status: 200, integrationLatencyMs: 4 }));
    logs.record(accessEntry({ status: 429 }));
    logs.record(accessEntry({ status: 503 }));
    const byApi: Record<string, string> = { ApiName: 'Streamlake-collector' };
    for (const dimensions of [byApi, { ...byApi, Stage: 'prod' }]) {
      expect(sumOf(store, 'AWS/ApiGateway', 'Count', dimensions)).toBe(3);
      expect(sumOf(store, 'AWS/ApiGateway', '4XXError', dimensions)).toBe(1);
      expect(sumOf(store, 'AWS/ApiGateway', '5XXError', dimensions)).toBe(1);
      expect(sumOf(store, 'AWS/ApiGateway', 'IntegrationLatency', dimensions)).toBe(4);
    }
  });

  it("writes the stage's lines to its log group's file and applies the group's metric filters", () => {
    dir = mkdtempSync(join(tmpdir(), 'access-logs-'));
    const store = new MetricStore({ clock: () => AT });
    const logs = new ApiAccessLogs([api('AccessLog')], [BY_STATUS], store, (group) =>
      join(dir as string, `${group}.log`),
    );
    logs.record(accessEntry({ status: 200 }));
    logs.record(accessEntry({ status: 429 }));
    logs.record(accessEntry({ status: 429 }));
    const lines = readFileSync(join(dir, 'AccessLog.log'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).status)).toEqual(['200', '429', '429']);
    const responses = (status: string) =>
      sumOf(store, 'Streamlake', 'CollectorResponses', { ApiName: 'Streamlake-collector', status });
    expect(responses('429')).toBe(2);
    expect(responses('200')).toBe(1);
  });

  it('a filter on another log group, or a stage without a log group, adds no metric', () => {
    const store = new MetricStore({ clock: () => AT });
    const logs = new ApiAccessLogs([api()], [BY_STATUS], store);
    logs.record(accessEntry({ status: 429 }));
    expect(store.find('Streamlake', 'CollectorResponses')).toEqual([]);
  });

  it('refuses at start a metric filter it cannot evaluate, naming it', () => {
    expect(
      () => new ApiAccessLogs([api()], [{ ...BY_STATUS, pattern: '[ip, user]' }], new MetricStore()),
    ).toThrow('metric filter ResponsesByStatus: filter pattern "[ip, user]"');
  });
});
