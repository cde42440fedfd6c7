import type { Exchange, ExchangeTap } from '../../infra/local/faults/exchange-tap.ts';
import type { FaultService } from '../../infra/local/faults/fault-rules.ts';

/** DynamoDB operations that consume capacity, and whether they write. */
const CAPACITY_OPERATIONS: Readonly<Record<string, 'read' | 'write'>> = {
  GetItem: 'read',
  BatchGetItem: 'read',
  Query: 'read',
  TransactGetItems: 'read',
  PutItem: 'write',
  UpdateItem: 'write',
  DeleteItem: 'write',
  BatchWriteItem: 'write',
  TransactWriteItems: 'write',
};

/** Capacity units one global secondary index consumed. */
export interface IndexCounts {
  readonly writeUnits: number;
  readonly readUnits: number;
}

/** What DynamoDB charged one table, as it reported it (ConsumedCapacity), indexes included. */
export interface TableCounts {
  readonly requests: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Writes refused by their condition: charged (≥ 1 WRU each) but reported without ConsumedCapacity. */
  readonly conditionFailures: number;
  /**
   * Of the units above, what each global secondary index consumed (a write that sets an index's keys writes the
   * index too; one that changes them, twice). Absent in runs saved before it was counted.
   */
  readonly indexes?: Readonly<Record<string, IndexCounts>>;
}

/** S3 requests under one key prefix of one bucket (`lake/`, `raw/`, `quarantine/`, `errors/` …). */
export interface ZoneCounts {
  /** PUT, COPY, POST and LIST: S3's dearer request class. */
  readonly putClass: number;
  /** GET, HEAD and the rest. */
  readonly getClass: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export interface FrontDoorCounts {
  readonly tables: Readonly<Record<string, TableCounts>>;
  /** Keyed `<bucket>/<zone>/`. */
  readonly zones: Readonly<Record<string, ZoneCounts>>;
  /** SNS Publish requests and the 64 KB units they are billed in. */
  readonly snsPublishes: number;
  readonly snsUnits: number;
  /** Requests seen that AWS does not bill this way (the local TTL sweeper's Scans, DynamoDB Streams reads by Lambda). */
  readonly notBilled: Readonly<Record<string, number>>;
}

interface ConsumedCapacity {
  readonly TableName?: string;
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
  /** With `ReturnConsumedCapacity: INDEXES`: each global secondary index's share. */
  readonly GlobalSecondaryIndexes?: Readonly<Record<string, { readonly CapacityUnits?: number }>>;
}

const jsonOf = (body: Buffer | undefined): Record<string, unknown> | undefined => {
  if (!body || body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** DynamoDB's ConsumedCapacity in an answer: one report, or one per table for batches and transactions. */
const consumedCapacityOf = (answer: Record<string, unknown> | undefined): ConsumedCapacity[] => {
  const consumed = answer?.ConsumedCapacity;
  if (Array.isArray(consumed)) return consumed as ConsumedCapacity[];
  return consumed ? [consumed as ConsumedCapacity] : [];
};

/** The bucket and first key segment of a path-style S3 URL (`/bucket/lake/x` → `bucket`, `lake/`). */
export const s3ZoneOf = (url: string): { bucket: string; zone: string; isObject: boolean } => {
  const [path = '', query = ''] = url.split('?');
  const [, bucket = '', ...key] = path.split('/');
  const first = key[0] ?? '';
  const prefix = new URLSearchParams(query).get('prefix') ?? '';
  const zone =
    key.length > 1 ? `${decodeURIComponent(first)}/` : prefix ? `${prefix.split('/')[0]}/` : '(bucket)';
  return { bucket, zone, isObject: key.length > 0 && first !== '' };
};

/** S3's request classes: PUT, COPY, POST, LIST in the first; GET, HEAD and others in the second. */
export const s3RequestClass = (method: string, isObject: boolean): 'put' | 'get' => {
  const m = method.toUpperCase();
  if (m === 'PUT' || m === 'POST') return 'put';
  if (m === 'GET' && !isObject) return 'put';
  return 'get';
};

/** SNS bills every started 64 KB of a published message as one request. */
export const snsUnitsOf = (messageBytes: number): number => Math.max(1, Math.ceil(messageBytes / 65_536));

/** One report's units, as writes or reads, with each global secondary index's share when it names them. */
const unitsOf = (report: ConsumedCapacity, kind: 'read' | 'write'): Partial<TableCounts> => {
  const as = (units: number): IndexCounts =>
    kind === 'write' ? { writeUnits: units, readUnits: 0 } : { writeUnits: 0, readUnits: units };
  const indexes = Object.entries(report.GlobalSecondaryIndexes ?? {}).map(
    ([name, consumed]) => [name, as(consumed.CapacityUnits ?? 0)] as const,
  );
  return {
    ...as(report.CapacityUnits ?? 0),
    ...(indexes.length > 0 ? { indexes: Object.fromEntries(indexes) } : {}),
  };
};

const emptyTable = (): TableCounts => ({ requests: 0, writeUnits: 0, readUnits: 0, conditionFailures: 0 });
const emptyZone = (): ZoneCounts => ({ putClass: 0, getClass: 0, bytesIn: 0, bytesOut: 0 });

/**
 * Counts, at the services' front doors, what AWS bills per request: DynamoDB capacity per table as DynamoDB Local
 * reports it (the tap asks every data-plane request for `ReturnConsumedCapacity: INDEXES`, which the handlers'
 * SDK clients ignore), S3 requests and bytes per bucket zone, SNS publishes.
 */
export class FrontDoorCounter implements ExchangeTap {
  private readonly tables = new Map<string, TableCounts>();
  private readonly zones = new Map<string, ZoneCounts>();
  private readonly notBilled = new Map<string, number>();
  private snsPublishes = 0;
  private snsUnits = 0;

  readonly wantsBodies = (service: FaultService): boolean => service === 'dynamodb' || service === 'sns';

  readonly rewrite = (service: FaultService, operation: string, body: Buffer): Buffer | undefined => {
    if (service !== 'dynamodb' || !(operation in CAPACITY_OPERATIONS)) return undefined;
    const request = jsonOf(body);
    if (!request || request.ReturnConsumedCapacity !== undefined) return undefined;
    return Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'INDEXES' }));
  };

  readonly observe = (exchange: Exchange): void => {
    if (exchange.service === 'dynamodb') this.dynamodb(exchange);
    else if (exchange.service === 's3') this.s3(exchange);
    else if (exchange.service === 'sns' && exchange.operation === 'Publish' && exchange.status < 300) {
      const message = new URLSearchParams(exchange.requestBody?.toString('utf8') ?? '').get('Message') ?? '';
      this.snsPublishes++;
      this.snsUnits += snsUnitsOf(Buffer.byteLength(message));
    }
  };

  private dynamodb(exchange: Exchange): void {
    const kind = CAPACITY_OPERATIONS[exchange.operation];
    if (!kind) {
      this.notBilled.set(exchange.operation, (this.notBilled.get(exchange.operation) ?? 0) + 1);
      return;
    }
    const request = jsonOf(exchange.requestBody);
    const answer = jsonOf(exchange.responseBody);
    const requestTable = typeof request?.TableName === 'string' ? request.TableName : undefined;
    const reports = consumedCapacityOf(answer);
    if (reports.length === 0) {
      const failed = String(answer?.__type ?? '').endsWith('ConditionalCheckFailedException');
      if (requestTable) {
        this.addTable(requestTable, {
          requests: 1,
          writeUnits: failed ? 1 : 0,
          conditionFailures: failed ? 1 : 0,
        });
      }
      return;
    }
    for (const [index, report] of reports.entries()) {
      this.addTable(report.TableName ?? requestTable ?? '(unknown)', {
        requests: index === 0 ? 1 : 0,
        ...unitsOf(report, kind),
      });
    }
  }

  private s3(exchange: Exchange): void {
    const { bucket, zone, isObject } = s3ZoneOf(exchange.url);
    const key = `${bucket}/${zone}`;
    const counts = { ...(this.zones.get(key) ?? emptyZone()) };
    if (s3RequestClass(exchange.method, isObject) === 'put') counts.putClass++;
    else counts.getClass++;
    counts.bytesIn += exchange.method === 'PUT' ? exchange.requestBytes : 0;
    counts.bytesOut += exchange.method === 'GET' && isObject ? exchange.responseBytes : 0;
    this.zones.set(key, counts);
  }

  private addTable(table: string, add: Partial<TableCounts>): void {
    const was = this.tables.get(table) ?? emptyTable();
    const indexes = { ...was.indexes };
    for (const [name, units] of Object.entries(add.indexes ?? {})) {
      const before = indexes[name] ?? { writeUnits: 0, readUnits: 0 };
      indexes[name] = {
        writeUnits: before.writeUnits + units.writeUnits,
        readUnits: before.readUnits + units.readUnits,
      };
    }
    this.tables.set(table, {
      requests: was.requests + (add.requests ?? 0),
      writeUnits: was.writeUnits + (add.writeUnits ?? 0),
      readUnits: was.readUnits + (add.readUnits ?? 0),
      conditionFailures: was.conditionFailures + (add.conditionFailures ?? 0),
      ...(Object.keys(indexes).length > 0 ? { indexes } : {}),
    });
  }

  counts(): FrontDoorCounts {
    return {
      tables: Object.fromEntries(this.tables),
      zones: Object.fromEntries(this.zones),
      snsPublishes: this.snsPublishes,
      snsUnits: this.snsUnits,
      notBilled: Object.fromEntries(this.notBilled),
    };
  }
}
