import type { Measured } from '../../../../commands/cost/measured.ts';

/** A run's measurements, small and round, for the model's arithmetic; override what a test is about. */
export const measuredRun = (overrides: Partial<Measured> = {}): Measured => ({
  targetRate: 1000,
  runRate: 1000,
  runSeconds: 10,
  webEventsPerRequest: 20,
  stream: {
    records: 10_000,
    events: 10_000,
    bytes: 4_000_000,
    kibUnits: 10_000,
    putPayloadUnits: 10_000,
    firehoseUnits: 10_000,
    recordsByWay: { web: 7_000, device: 3_000, direct: 0 },
    eventsByWay: { web: 7_000, device: 3_000, direct: 0 },
    bytesByWay: { web: 2_800_000, device: 1_200_000, direct: 0 },
  },
  streamConsumers: 3,
  functions: [
    {
      role: 'aggregate',
      name: 'agg',
      memoryMb: 512,
      invocations: 4,
      durationMs: 2_000,
      busyMs: 1_000,
      service: 'agg',
    },
    {
      role: 'silentDeviceCheck',
      name: 'silent',
      memoryMb: 512,
      invocations: 1,
      durationMs: 100,
      busyMs: 100,
    },
  ],
  frontDoor: {
    tables: { RollupsTable: { requests: 200, writeUnits: 200, readUnits: 10, conditionFailures: 0 } },
    zones: { 'LakeBucket/quarantine/': { putClass: 2, getClass: 0, bytesIn: 2_000, bytesOut: 0 } },
    snsPublishes: 1,
    snsUnits: 1,
    notBilled: {},
  },
  logs: {
    byService: { agg: { lines: 8, bytes: 4_000 } },
    customMetrics: ['Streamlake/RecordsIn{service=agg}'],
  },
  api: { requests: 350, events: 7_000, accessLogBytes: 35_000 },
  iot: { messages: 3_000, rulesTriggered: 3_000, actions: 3_000 },
  template: { alarmMetrics: 10, dashboards: 1, metricFilters: 1 },
  ...overrides,
});
