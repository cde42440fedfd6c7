import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StreamlakeEvent } from '../schemas/index.ts';
import type { PoisonKind, ProducedRecord } from './source.ts';
import { type DeliveredRecord, isLocated } from './write-outcome.ts';

interface Located {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
}

/**
 * An event the stream accepted: the pipeline must count it exactly once. Events sent through the web collector
 * have no shard or sequence number: the collector does not say where Kinesis put them.
 */
export interface GroundTruthEvent extends Partial<Located> {
  readonly partitionKey: string;
  readonly event: StreamlakeEvent;
}

/** A poison record Kinesis accepted: the pipeline must quarantine it for `poison`. */
export interface GroundTruthPoison extends Located {
  readonly poison: PoisonKind;
  /** The record's bytes, base64. */
  readonly raw: string;
}

export type GroundTruthEntry = GroundTruthEvent | GroundTruthPoison;

/** One JSON line (newline included) for an accepted record. */
export const groundTruthLine = (accepted: DeliveredRecord<ProducedRecord>): string => {
  const { record } = accepted;
  const { partitionKey } = record;
  const location = isLocated(accepted)
    ? { shardId: accepted.shardId, sequenceNumber: accepted.sequenceNumber }
    : undefined;
  // Poison goes to Kinesis directly (never through the collector), so it always has a location.
  const entry: GroundTruthEntry =
    record.poison && location
      ? { ...location, partitionKey, poison: record.poison, raw: Buffer.from(record.data).toString('base64') }
      : { ...location, partitionKey, event: record.event as StreamlakeEvent };
  return `${JSON.stringify(entry)}\n`;
};

/** Appends accepted records to a JSON-lines file, the record of what the pipeline must have seen. */
export class GroundTruthWriter {
  private failure: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Opens `path`, creating its folder; truncates it unless `append`. */
  static async open(path: string, { append = false } = {}): Promise<GroundTruthWriter> {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: append ? 'a' : 'w' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new GroundTruthWriter(path, stream);
  }

  append(accepted: readonly DeliveredRecord<ProducedRecord>[]): void {
    if (this.failure) throw this.failure;
    if (accepted.length > 0) this.stream.write(accepted.map(groundTruthLine).join(''));
  }

  /** Flushes and closes; rejects if any write failed, since a partial ground truth would mislead. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(resolve));
    if (this.failure)
      throw new Error(`could not write the ground truth to ${this.path}: ${this.failure.message}`);
  }
}

/** Reads a ground-truth file back; throws naming the line that is not a ground-truth entry. */
export const readGroundTruth = async (path: string): Promise<GroundTruthEntry[]> => {
  const text = await readFile(path, 'utf8');
  const entries: GroundTruthEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(
        `${path}:${i + 1} is not JSON (${error instanceof Error ? error.message : String(error)}); was the file cut short?`,
      );
    }
    const entry = value as Partial<GroundTruthEvent & GroundTruthPoison>;
    const located = typeof entry.shardId === 'string' && typeof entry.sequenceNumber === 'string';
    if (!(entry.event || (entry.poison && located))) {
      throw new Error(
        `${path}:${i + 1} is not a ground-truth entry (needs an event, or shardId, sequenceNumber and poison)`,
      );
    }
    entries.push(value as GroundTruthEntry);
  });
  return entries;
};
