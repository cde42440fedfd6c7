import type { StreamlakeEvent } from '../../schemas/index.ts';

/** What a rollup keeps per item: a count, or the sum/min/max of one numeric field. */
export type Measure =
  | { readonly kind: 'count' }
  | { readonly kind: 'sum' | 'min' | 'max'; readonly field: string };

/**
 * A rollup is data, not code: which events it counts (by schema), how it groups them
 * (dimension fields), over which event-time window, and what it measures.
 */
export interface RollupDefinition {
  readonly name: string;
  /** Schemas this rollup counts, e.g. `clickstream.purchase`; `*` counts every valid event. */
  readonly schemas: readonly string[];
  /** Event fields whose values name the item, in order. */
  readonly dimensions: readonly string[];
  readonly windowSeconds: 60;
  readonly measures: readonly Measure[];
}

const count: Measure = { kind: 'count' };
const stats = (field: string): Measure[] => [
  { kind: 'sum', field },
  { kind: 'min', field },
  { kind: 'max', field },
];

export const ROLLUPS: readonly RollupDefinition[] = [
  {
    name: 'page_views',
    schemas: ['clickstream.page_view'],
    dimensions: ['page'],
    windowSeconds: 60,
    measures: [count],
  },
  { name: 'events_by_type', schemas: ['*'], dimensions: ['schema'], windowSeconds: 60, measures: [count] },
  {
    name: 'purchases',
    schemas: ['clickstream.purchase'],
    dimensions: [],
    windowSeconds: 60,
    measures: [count, ...stats('revenue'), { kind: 'sum', field: 'items' }],
  },
  {
    name: 'client_errors',
    schemas: ['clickstream.client_error'],
    dimensions: ['errorType'],
    windowSeconds: 60,
    measures: [count],
  },
  {
    name: 'device_readings',
    schemas: ['telemetry.reading'],
    dimensions: ['deviceId'],
    windowSeconds: 60,
    measures: [count, ...stats('temperature'), ...stats('humidity'), ...stats('battery')],
  },
];

/** The attribute a measure is stored under: `count`, `revenue_sum`, `temperature_min`. */
export const measureAttribute = (measure: Measure): string =>
  measure.kind === 'count' ? 'count' : `${measure.field}_${measure.kind}`;

/** Reads a dimension or measure field; events are flat JSON objects. */
export const fieldOf = (event: StreamlakeEvent, field: string): unknown =>
  (event as unknown as Record<string, unknown>)[field];
