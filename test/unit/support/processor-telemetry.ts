import type { DynamoDBRecord } from 'aws-lambda';
import { vi } from 'vitest';

export const ROLLUPS_STREAM_ARN =
  'arn:aws:dynamodb:eu-west-1:000000000000:table/streamlake-Rollups/stream/2026-11-22T05:00:00.000';

/** A JSON line a processor printed: an EMF document or a structured log line. */
export type PrintedLine = Record<string, unknown>;

/**
 * Runs `act` and gives back the JSON lines it printed. Powertools writes through its own `Console`
 * bound to the process streams (the global console only under POWERTOOLS_DEV): EMF and info lines
 * to stdout, warn and error lines to stderr. Vitest's console capture sees neither, so both stream
 * writes are caught here; Lambda sends both streams to CloudWatch Logs.
 */
export const printedBy = async (act: () => unknown): Promise<PrintedLine[]> => {
  const chunks: string[] = [];
  const catchWrites = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(catchWrites);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(catchWrites);
  try {
    await act();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return chunks
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PrintedLine);
};

/** Runs `act` (a handler invocation) and gives back what it resolved with and the JSON lines it printed. */
export const invokePrinting = async <T>(
  act: () => Promise<T>,
): Promise<{ result: T; lines: PrintedLine[] }> => {
  let result: T | undefined;
  const lines = await printedBy(async () => {
    result = await act();
  });
  return { result: result as T, lines };
};

export interface StreamRecordOptions {
  readonly sequenceNumber?: string;
  /** When the change was written, in epoch ms; the record carries it in seconds, as Lambda does. */
  readonly createdMs?: number;
  readonly eventName?: DynamoDBRecord['eventName'];
}

/** A rollups-stream record shaped like Lambda's `DynamoDBRecord` (a TTL expiry unless told otherwise). */
export const streamRecord = (options: StreamRecordOptions = {}): DynamoDBRecord => ({
  eventID: `event-${options.sequenceNumber ?? '100'}`,
  eventName: options.eventName ?? 'REMOVE',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-west-1',
  eventSourceARN: ROLLUPS_STREAM_ARN,
  dynamodb: {
    ApproximateCreationDateTime: (options.createdMs ?? Date.parse('2026-11-22T05:06:08.000Z')) / 1000,
    Keys: { pk: { S: 'page_views#/home' }, sk: { S: '2026-11-22T05:06Z' } },
    SequenceNumber: options.sequenceNumber ?? '100',
    SizeBytes: 60,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});
