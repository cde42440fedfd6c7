import { Type } from '@sinclair/typebox';
import { DataType } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { indexBySchema, preaggregate } from '../../../processors/rollups/preaggregate.ts';
import { ROLLUPS } from '../../../processors/rollups/rollups.ts';
import {
  arrowSchemaOf,
  type Column,
  columnsOf,
  columnValue,
  contractSchema,
  datasetColumns,
  glueColumnsOf,
  type PageViewWithDuration,
  snakeCase,
  UTC_TIME,
  validateEvent,
} from '../../../schemas/index.ts';
import { throughEdge, webEdge } from '../support/edge-context.ts';
import { acceptedBatch, pageView } from '../support/kinesis-records.ts';

const columnOf = (dataset: 'clickstream' | 'telemetry', name: string) =>
  datasetColumns(dataset).find((c) => c.name === name);

describe('datasetColumns', () => {
  it('puts the envelope first, then identity, then the other fields alphabetically, then the edge context', () => {
    // Prepare
    const dataset = 'telemetry';

    // Act
    const names = datasetColumns(dataset).map((c) => c.name);

    // Assess
    expect(names).toEqual([
      'schema',
      'version',
      'event_id',
      'event_time',
      'device_id',
      'battery',
      'firmware',
      'from',
      'humidity',
      'status',
      'temperature',
      'to',
      'edge_received_at',
      'edge_request_id',
      'edge_source_ip',
      'edge_user_agent',
      'edge_origin',
      'edge_client_id',
      'edge_topic',
    ]);
  });

  it('names columns in snake_case and remembers the event field each one holds', () => {
    // Prepare
    const fields = ['eventId', 'sessionId', 'errorType', 'page'];

    // Act
    const columns = fields.map((field) => datasetColumns('clickstream').find((c) => c.field === field));

    // Assess
    expect(columns.map((c) => c?.name)).toEqual(['event_id', 'session_id', 'error_type', 'page']);
    expect(snakeCase('durationMs')).toBe('duration_ms');
  });

  it('types event time as a timestamp, integers as int32, numbers as double, strings and literals as string', () => {
    // Prepare
    const expected = {
      event_time: 'timestamp',
      version: 'int32',
      quantity: 'int32',
      items: 'int32',
      revenue: 'double',
      price: 'double',
      schema: 'string',
      currency: 'string',
    };

    // Act
    const kinds = Object.fromEntries(Object.keys(expected).map((n) => [n, columnOf('clickstream', n)?.kind]));

    // Assess
    expect(kinds).toEqual(expected);
    expect(columnOf('telemetry', 'status')?.kind).toBe('string');
  });

  it('makes a column non-nullable only when every contract of the dataset requires the field', () => {
    // Prepare
    const names = ['schema', 'event_time', 'session_id', 'user_id', 'page', 'revenue'];

    // Act
    const nullable = names.map((n) => columnOf('clickstream', n)?.nullable);

    // Assess
    expect(nullable).toEqual([false, false, false, true, true, true]);
  });

  it('gives page_view v2 a nullable duration_ms int32 column in the clickstream table', () => {
    // Prepare
    const dataset = 'clickstream';

    // Act
    const column = columnOf(dataset, 'duration_ms');

    // Assess
    expect(column).toEqual({ name: 'duration_ms', field: 'durationMs', kind: 'int32', nullable: true });
  });
});

describe.each(['clickstream', 'telemetry'] as const)('the %s edge columns', (dataset) => {
  it('hold each property of the edge context, nullable, received time as a timestamp', () => {
    // Prepare
    const edgeColumns = datasetColumns(dataset).filter((c) => c.field === 'edge');

    // Act
    const described = edgeColumns.map(({ name, subfield, kind, nullable }) => ({
      name,
      subfield,
      kind,
      nullable,
    }));

    // Assess
    expect(described).toEqual([
      { name: 'edge_received_at', subfield: 'receivedAt', kind: 'timestamp', nullable: true },
      { name: 'edge_request_id', subfield: 'requestId', kind: 'string', nullable: true },
      { name: 'edge_source_ip', subfield: 'sourceIp', kind: 'string', nullable: true },
      { name: 'edge_user_agent', subfield: 'userAgent', kind: 'string', nullable: true },
      { name: 'edge_origin', subfield: 'origin', kind: 'string', nullable: true },
      { name: 'edge_client_id', subfield: 'clientId', kind: 'string', nullable: true },
      { name: 'edge_topic', subfield: 'topic', kind: 'string', nullable: true },
    ]);
  });

  it('are Glue timestamp and string columns and a nullable Arrow millisecond timestamp', () => {
    // Prepare
    const glue = glueColumnsOf(dataset);

    // Act
    const edgeGlue = glue.filter((c) => c.name.startsWith('edge_'));
    const receivedAt = arrowSchemaOf(dataset).fields.find((f) => f.name === 'edge_received_at');

    // Assess
    expect(edgeGlue).toEqual([
      { name: 'edge_received_at', type: 'timestamp' },
      { name: 'edge_request_id', type: 'string' },
      { name: 'edge_source_ip', type: 'string' },
      { name: 'edge_user_agent', type: 'string' },
      { name: 'edge_origin', type: 'string' },
      { name: 'edge_client_id', type: 'string' },
      { name: 'edge_topic', type: 'string' },
    ]);
    expect(String(receivedAt?.type)).toBe('Timestamp<MILLISECOND>');
    expect(receivedAt?.nullable).toBe(true);
  });
});

describe('columnValue', () => {
  const byName = (name: string) => datasetColumns('clickstream').find((c) => c.name === name) as Column;

  it('reads an event field, or a property of the edge context', () => {
    // Prepare
    const event = throughEdge(pageView({ page: '/cart' }), { sourceIp: '2001:db8::' });

    // Act
    const values = ['page', 'edge_source_ip', 'edge_received_at'].map((n) => columnValue(byName(n), event));

    // Assess
    expect(values).toEqual(['/cart', '2001:db8::', webEdge().receivedAt]);
  });

  it('is undefined for an edge column of an event that came through no edge', () => {
    // Prepare
    const event = pageView();

    // Act
    const value = columnValue(byName('edge_request_id'), event);

    // Assess
    expect(value).toBeUndefined();
  });
});

describe('arrowSchemaOf', () => {
  it('maps kinds to millisecond timestamps, Int32, Float64 and dictionary-encoded UTF-8', () => {
    // Prepare
    const schema = arrowSchemaOf('clickstream');
    const typeOf = (name: string) => schema.fields.find((f) => f.name === name)?.type;

    // Act
    const eventTime = typeOf('event_time');
    const page = typeOf('page');

    // Assess
    expect(DataType.isTimestamp(eventTime)).toBe(true);
    expect(String(eventTime)).toBe('Timestamp<MILLISECOND>');
    expect(DataType.isInt(typeOf('duration_ms'))).toBe(true);
    expect(DataType.isFloat(typeOf('revenue'))).toBe(true);
    expect(DataType.isDictionary(page) && DataType.isUtf8(page.dictionary)).toBe(true);
    expect(schema.fields.find((f) => f.name === 'session_id')?.nullable).toBe(false);
  });
});

describe('glueColumnsOf', () => {
  it('gives Glue/Hive types for the catalog, in column order', () => {
    // Prepare
    const dataset = 'telemetry';

    // Act
    const columns = glueColumnsOf(dataset);

    // Assess
    expect(columns.slice(0, 6)).toEqual([
      { name: 'schema', type: 'string' },
      { name: 'version', type: 'int' },
      { name: 'event_id', type: 'string' },
      { name: 'event_time', type: 'timestamp' },
      { name: 'device_id', type: 'string' },
      { name: 'battery', type: 'double' },
    ]);
    expect(new Set(glueColumnsOf('clickstream').map((c) => c.type))).toEqual(
      new Set(['string', 'int', 'timestamp', 'double']),
    );
  });
});

describe('page_view v2', () => {
  const v2 = (overrides: Partial<PageViewWithDuration> = {}): PageViewWithDuration => ({
    ...pageView(),
    version: 2,
    durationMs: 4200,
    ...overrides,
  });

  it('is a valid contract, with or without durationMs, and refuses a negative duration', () => {
    // Prepare
    const events = [v2(), v2({ durationMs: undefined }), v2({ durationMs: -1 })];

    // Act
    const results = events.map((event) => validateEvent(JSON.parse(JSON.stringify(event))).ok);

    // Assess
    expect(results).toEqual([true, true, false]);
  });

  it('still counts in the page_views rollup next to v1', () => {
    // Prepare
    const records = acceptedBatch([pageView({ page: '/home' }), v2({ page: '/home' })]);

    // Act
    const items = preaggregate(records, ROLLUPS, indexBySchema(ROLLUPS));

    // Assess
    expect(items.find((item) => item.pk === 'page_views#/home')?.totals).toEqual({ count: 2 });
  });
});

describe('columnsOf', () => {
  const contract = (type: string, version: number, fields: Parameters<typeof contractSchema>[1]) =>
    contractSchema({ dataset: 'telemetry', type, version }, { deviceId: Type.String(), ...fields });

  it('stores an object field as a nullable JSON string column', () => {
    // Prepare
    const contracts = [
      contract('probe', 1, { location: Type.Optional(Type.Object({ lat: Type.Number() })) }),
    ];

    // Act
    const location = columnsOf(contracts).find((c) => c.field === 'location');

    // Assess
    expect(location).toEqual({ name: 'location', field: 'location', kind: 'json', nullable: true });
  });

  it('uses int64 for integers whose range does not fit int32, and widens int32 to int64 across contracts', () => {
    // Prepare
    const contracts = [
      contract('probe', 1, { uptime: Type.Integer({ minimum: 0, maximum: 1000 }), bytes: Type.Integer() }),
      contract('probe', 2, { uptime: Type.Integer({ minimum: 0, maximum: 2 ** 40 }) }),
    ];

    // Act
    const kinds = columnsOf(contracts).map((c) => [c.name, c.kind]);

    // Assess
    expect(kinds).toContainEqual(['uptime', 'int64']);
    expect(kinds).toContainEqual(['bytes', 'int64']);
  });

  it('types any string of the UTC time pattern as a timestamp, as event_time is', () => {
    // Prepare
    const contracts = [contract('probe', 1, { bootedAt: Type.String({ pattern: UTC_TIME }) })];

    // Act
    const bootedAt = columnsOf(contracts).find((c) => c.field === 'bootedAt');

    // Assess
    expect(bootedAt?.kind).toBe('timestamp');
  });

  it('fails naming both fields when an event field would take the name of an edge column', () => {
    // Prepare
    const contracts = [contract('probe', 1, { edgeOrigin: Type.String() })];

    // Act
    const derive = () => columnsOf(contracts);

    // Assess
    expect(derive).toThrow(
      'columns edgeOrigin and edge.origin would both be named edge_origin; rename the event field',
    );
  });

  it('fails naming the contract and field when two contracts give one field incompatible types', () => {
    // Prepare
    const contracts = [
      contract('probe', 1, { level: Type.Number() }),
      contract('probe', 2, { level: Type.String() }),
    ];

    // Act
    const derive = () => columnsOf(contracts);

    // Assess
    expect(derive).toThrow(
      /telemetry\.probe\/v2: field level is string, but another contract .* makes it double/,
    );
  });
});
