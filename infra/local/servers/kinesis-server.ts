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
}

type WorkerMessage =
  | { type: 'ready' | 'stopped' }
  | { type: 'error'; message: string }
  | { type: 'puts'; totals: PutRecordsTotal[] };

/**
 * kinesalite: a Kinesis API server, run on its own worker thread. Chosen over kinesis-local for
 * throughput (≈ 8,600 vs ≈ 630 PutRecords records/s measured on 2 cores) — see docs/decisions.md.
 * With a `path` it keeps streams in LevelDB, so records and sequence numbers survive a restart.
 */
export const startKinesis = async (
  port: number,
  path?: string,
  options: KinesisServerOptions = {},
): Promise<LocalServer> => {
  const { onPuts } = options;
  const worker = new Worker(new URL('./kinesis-worker.mjs', import.meta.url), {
    workerData: { port, path, meterPuts: onPuts !== undefined },
  });
  const [first] = (await once(worker, 'message')) as [WorkerMessage];
  if (first.type !== 'ready') {
    await worker.terminate();
    throw new Error(
      `Kinesis (kinesalite) could not start on 127.0.0.1:${port}: ${'message' in first ? first.message : first.type}`,
    );
  }
  let stopped: () => void = () => undefined;
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'puts') onPuts?.(message.totals);
    else if (message.type === 'stopped') stopped();
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
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
    },
  };
};
