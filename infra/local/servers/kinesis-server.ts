import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { PutRecordsTotal } from '../metrics/put-records-meter.mjs';

export type { PutRecordsTotal } from '../metrics/put-records-meter.mjs';

export interface LocalServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface KinesisServerOptions {
  /**
   * Receives what PutRecord(s) calls wrote, summed per stream and second, about twice a second (the
   * calls are measured on kinesalite's thread). Unset: nothing is measured.
   */
  readonly onPuts?: (totals: readonly PutRecordsTotal[]) => void;
  /**
   * How often records older than their stream's retention period are deleted, as Kinesis does
   * (kinesalite alone deletes them only when a GetRecords walks over them). 0: only when asked.
   * @default 60_000
   */
  readonly trimEveryMs?: number;
}

/** The local Kinesis: a server, and its retention clock for tests that cannot wait a day. */
export interface KinesisServer extends LocalServer {
  /**
   * Deletes now the records that are older than their stream's retention period at `nowMs` (a later
   * clock lets a test see a day pass); resolves to how many were deleted.
   */
  trimExpired(nowMs?: number): Promise<number>;
}

type WorkerMessage =
  | { type: 'ready' | 'stopped' }
  | { type: 'error'; message: string }
  | { type: 'puts'; totals: PutRecordsTotal[] }
  | { type: 'trimmed'; id: number; deleted?: number; error?: string };

const TRIM_EVERY_MS = 60_000;

/**
 * kinesalite: a Kinesis API server, run on its own worker thread. Chosen over kinesis-local for
 * throughput (≈ 8,600 vs ≈ 630 PutRecords records/s measured on 2 cores) — see docs/decisions.md.
 * With a `path` it keeps streams in LevelDB, so records and sequence numbers survive a restart; records
 * older than their stream's retention period are deleted every `trimEveryMs`, so that folder stays bounded
 * (≈ a retention period of records) under `npm start -- --forever`.
 */
export const startKinesis = async (
  port: number,
  path?: string,
  options: KinesisServerOptions = {},
): Promise<KinesisServer> => {
  const { onPuts, trimEveryMs = TRIM_EVERY_MS } = options;
  const worker = new Worker(new URL('./kinesis-worker.mjs', import.meta.url), {
    workerData: { port, path, meterPuts: onPuts !== undefined, trimEveryMs },
  });
  const [first] = (await once(worker, 'message')) as [WorkerMessage];
  if (first.type !== 'ready') {
    await worker.terminate();
    throw new Error(
      `Kinesis (kinesalite) could not start on 127.0.0.1:${port}: ${'message' in first ? first.message : first.type}`,
    );
  }
  let stopped: () => void = () => undefined;
  const trims = new Map<number, { resolve: (deleted: number) => void; reject: (error: Error) => void }>();
  let lastTrimId = 0;
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'puts') onPuts?.(message.totals);
    else if (message.type === 'stopped') stopped();
    else if (message.type === 'trimmed') {
      const asked = trims.get(message.id);
      trims.delete(message.id);
      if (message.error !== undefined) asked?.reject(new Error(`Kinesis retention trim: ${message.error}`));
      else asked?.resolve(message.deleted ?? 0);
    }
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    trimExpired: (nowMs = Date.now()) =>
      new Promise<number>((resolve, reject) => {
        const id = ++lastTrimId;
        trims.set(id, { resolve, reject });
        worker.postMessage({ type: 'trim', id, nowMs });
      }),
    stop: async () => {
      const closed = new Promise<void>((resolve) => {
        stopped = resolve;
      });
      worker.postMessage('stop');
      // Closing flushes LevelDB; give it a moment, then end the thread regardless.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]);
      clearTimeout(timer);
      await worker.terminate();
      for (const asked of trims.values()) asked.reject(new Error('Kinesis stopped before its trim ended'));
      trims.clear();
    },
  };
};
