/** The X-Amz-Target values of the calls that write records. */
export declare const PUT_TARGETS: ReadonlySet<string>;

/** What CloudWatch counts of one PutRecord/PutRecords call. */
export interface PutMeasurement {
  readonly streamName: string;
  /** IncomingRecords: records that got a sequence number. */
  readonly records: number;
  /** IncomingBytes: decoded data bytes of those records. */
  readonly bytes: number;
  /** WriteProvisionedThroughputExceeded: records refused for throughput. */
  readonly throttled: number;
}

/** Measurements summed per stream and second. */
export interface PutRecordsTotal extends PutMeasurement {
  readonly timestampMs: number;
}

export declare const stringMember: (
  body: Buffer,
  key: string,
  from?: number,
) => { start: number; end: number } | undefined;
export declare const streamNameOf: (body: Buffer) => string | undefined;
export declare const dataSizesOf: (body: Buffer) => number[];
export declare const outcomesOf: (body: Buffer) => (true | string)[];
export declare const measurePut: (request: Buffer, response: Buffer) => PutMeasurement | undefined;

export declare class PutRecordsTally {
  add(measurement: PutMeasurement, nowMs?: number): void;
  drain(): PutRecordsTotal[];
}
