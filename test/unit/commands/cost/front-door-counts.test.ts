import { describe, expect, it } from 'vitest';
import {
  FrontDoorCounter,
  s3RequestClass,
  s3ZoneOf,
  snsUnitsOf,
} from '../../../../commands/cost/front-door-counts.ts';
import type { Exchange } from '../../../../infra/local/faults/exchange-tap.ts';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

const dynamo = (operation: string, request: unknown, response: unknown, status = 200): Exchange => ({
  service: 'dynamodb',
  operation,
  method: 'POST',
  url: '/',
  requestBody: json(request),
  requestBytes: 0,
  status,
  responseBody: json(response),
  responseBytes: 0,
});

const s3 = (method: string, url: string, requestBytes = 0, responseBytes = 0): Exchange => ({
  service: 's3',
  operation: method,
  method,
  url,
  requestBytes,
  status: 200,
  responseBytes,
});

describe('the front-door counter', () => {
  it('asks every capacity-consuming DynamoDB request for its ConsumedCapacity, indexes included', () => {
    const counter = new FrontDoorCounter();
    const rewritten = counter.rewrite('dynamodb', 'UpdateItem', json({ TableName: 't', Key: {} }));
    expect(JSON.parse(String(rewritten))).toEqual({
      TableName: 't',
      Key: {},
      ReturnConsumedCapacity: 'INDEXES',
    });
  });

  it('leaves alone a request that already asks, and operations DynamoDB does not charge capacity for', () => {
    const counter = new FrontDoorCounter();
    expect(counter.rewrite('dynamodb', 'GetItem', json({ ReturnConsumedCapacity: 'TOTAL' }))).toBeUndefined();
    expect(counter.rewrite('dynamodb', 'DescribeTable', json({ TableName: 't' }))).toBeUndefined();
    expect(counter.rewrite('s3', 'PUT', json({}))).toBeUndefined();
  });

  it('adds up write and read units per table as DynamoDB reports them, one report or many', () => {
    const counter = new FrontDoorCounter();
    counter.observe(
      dynamo(
        'UpdateItem',
        { TableName: 'rollups' },
        { ConsumedCapacity: { TableName: 'rollups', CapacityUnits: 3 } },
      ),
    );
    counter.observe(
      dynamo(
        'Query',
        { TableName: 'dedup' },
        { ConsumedCapacity: { TableName: 'dedup', CapacityUnits: 0.5 } },
      ),
    );
    counter.observe(
      dynamo(
        'TransactWriteItems',
        {},
        {
          ConsumedCapacity: [
            { TableName: 'rollups', CapacityUnits: 2 },
            { TableName: 'dedup', CapacityUnits: 4 },
          ],
        },
      ),
    );
    const { tables } = counter.counts();
    expect(tables.rollups).toEqual({ requests: 2, writeUnits: 5, readUnits: 0, conditionFailures: 0 });
    expect(tables.dedup).toEqual({ requests: 1, writeUnits: 4, readUnits: 0.5, conditionFailures: 0 });
  });

  it("keeps each global secondary index's share of the units, as DynamoDB Local reports it with INDEXES", () => {
    const counter = new FrontDoorCounter();
    // As DynamoDB Local 10.x answered a probe: a put that sets the index's keys, an update that changes them
    // (the index deletes and writes: 2), a query of the index.
    counter.observe(
      dynamo(
        'PutItem',
        { TableName: 'derived' },
        {
          ConsumedCapacity: {
            TableName: 'derived',
            CapacityUnits: 2,
            Table: { CapacityUnits: 1 },
            GlobalSecondaryIndexes: { TopByCount: { CapacityUnits: 1 } },
          },
        },
      ),
    );
    counter.observe(
      dynamo(
        'BatchWriteItem',
        {},
        {
          ConsumedCapacity: [
            {
              TableName: 'derived',
              CapacityUnits: 3,
              Table: { CapacityUnits: 1 },
              GlobalSecondaryIndexes: { TopByCount: { CapacityUnits: 2 } },
            },
          ],
        },
      ),
    );
    counter.observe(
      dynamo(
        'Query',
        { TableName: 'derived', IndexName: 'TopByCount' },
        {
          ConsumedCapacity: {
            TableName: 'derived',
            CapacityUnits: 0.5,
            Table: { CapacityUnits: 0 },
            GlobalSecondaryIndexes: { TopByCount: { CapacityUnits: 0.5 } },
          },
        },
      ),
    );
    expect(counter.counts().tables.derived).toEqual({
      requests: 3,
      writeUnits: 5,
      readUnits: 0.5,
      conditionFailures: 0,
      indexes: { TopByCount: { writeUnits: 3, readUnits: 0.5 } },
    });
  });

  it('charges a write its condition refused one write unit, as DynamoDB bills it without reporting it', () => {
    const counter = new FrontDoorCounter();
    counter.observe(
      dynamo(
        'UpdateItem',
        { TableName: 'rollups' },
        { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' },
        400,
      ),
    );
    expect(counter.counts().tables.rollups).toEqual({
      requests: 1,
      writeUnits: 1,
      readUnits: 0,
      conditionFailures: 1,
    });
  });

  it("keeps what AWS does not bill per request apart: the local TTL sweeper's Scans, stream reads by Lambda", () => {
    const counter = new FrontDoorCounter();
    counter.observe(dynamo('Scan', { TableName: 'dedup' }, { Items: [] }));
    counter.observe(dynamo('GetRecords', {}, { Records: [] }));
    expect(counter.counts()).toMatchObject({ tables: {}, notBilled: { Scan: 1, GetRecords: 1 } });
  });

  it('counts S3 requests and bytes per bucket zone, LIST in the PUT class', () => {
    const counter = new FrontDoorCounter();
    counter.observe(s3('PUT', '/lake-bucket/lake/clickstream/dt=2026-12-02/hour=10/a.parquet', 1_000));
    counter.observe(s3('GET', '/lake-bucket/lake/x.parquet', 0, 700));
    counter.observe(s3('GET', '/lake-bucket?list-type=2&prefix=lake%2Fclickstream%2F'));
    counter.observe(s3('PUT', '/raw-bucket/raw/dt=2026-12-02/hour=10/b.gz', 50));
    expect(counter.counts().zones).toEqual({
      'lake-bucket/lake/': { putClass: 2, getClass: 1, bytesIn: 1_000, bytesOut: 700 },
      'raw-bucket/raw/': { putClass: 1, getClass: 0, bytesIn: 50, bytesOut: 0 },
    });
  });

  it('counts SNS publishes in 64 KB units', () => {
    const counter = new FrontDoorCounter();
    const body = Buffer.from(
      new URLSearchParams({ Action: 'Publish', Message: 'x'.repeat(70_000) }).toString(),
    );
    counter.observe({
      service: 'sns',
      operation: 'Publish',
      method: 'POST',
      url: '/',
      requestBody: body,
      requestBytes: body.length,
      status: 200,
      responseBytes: 0,
    });
    expect(counter.counts()).toMatchObject({ snsPublishes: 1, snsUnits: 2 });
  });
});

describe('S3 and SNS metering rules', () => {
  it('reads the zone from an object key or a LIST prefix', () => {
    expect(s3ZoneOf('/b/quarantine/2026/x.json')).toEqual({
      bucket: 'b',
      zone: 'quarantine/',
      isObject: true,
    });
    expect(s3ZoneOf('/b?prefix=errors%2Fiot%2F')).toEqual({ bucket: 'b', zone: 'errors/', isObject: false });
  });

  it('puts PUT, POST and LIST in the dearer class, GET of an object and HEAD in the other', () => {
    expect([s3RequestClass('PUT', true), s3RequestClass('POST', true), s3RequestClass('GET', false)]).toEqual(
      ['put', 'put', 'put'],
    );
    expect([s3RequestClass('GET', true), s3RequestClass('HEAD', true)]).toEqual(['get', 'get']);
  });

  it('bills every started 64 KB of a message', () => {
    expect([snsUnitsOf(0), snsUnitsOf(65_536), snsUnitsOf(65_537)]).toEqual([1, 1, 2]);
  });
});
