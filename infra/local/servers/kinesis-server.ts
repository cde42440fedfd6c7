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

/** The local Kinesis: a server that can be restarted in place, and its retention clock for tests that cannot wait a day. */
export interface KinesisServer extends LocalServer {
  /**
   * Deletes now the records that are older than their stream's retention period at `nowMs` (a later
   * clock lets a test see a day pass); resolves to how many were deleted.
   */
  trimExpired(nowMs?: number): Promise<number>;
  /**
   * Stops the server (its store closed, as by stop()) and starts it again on the same port, folder and
   * options: streams, records and sequence numbers survive when it keeps them in a folder. Clients see
   * connection errors meanwhile (the SDK retries them); calls made on this server during it wait for it.
   */
  restart(): Promise<void>;
}

type WorkerMessage =
  | { type: 'loaded' | 'ready' | 'stopped' }
  | { type: 'error'; message: string }
  | { type: 'puts'; totals: PutRecordsTotal[] }
  | { type: 'trimmed'; id: number; deleted?: number; error?: string };

const TRIM_EVERY_MS = 60_000;

/** A kinesalite thread serving, from its start to its stop. */
interface KinesisWorker {
  trimExpired(nowMs: number): Promise<number>;
  stop(): Promise<void>;
}

/** A kinesalite thread with its modules loaded, not yet serving: loaded ahead, a restart is down only briefly. */
interface LoadedWorker {
  /** Opens the store and listens on the port. */
  serve(): Promise<KinesisWorker>;
}

/** Trim requests sent to a thread, answered by id. */
class TrimRequests {
  private readonly asked = new Map<
    number,
    { resolve: (deleted: number) => void; reject: (error: Error) => void }
  >();
  private lastId = 0;

  send(worker: Worker, nowMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const id = ++this.lastId;
      this.asked.set(id, { resolve, reject });
      worker.postMessage({ type: 'trim', id, nowMs });
    });
  }

  answered(message: { id: number; deleted?: number; error?: string }): void {
    const asked = this.asked.get(message.id);
    this.asked.delete(message.id);
    if (message.error !== undefined) asked?.reject(new Error(`Kinesis retention trim: ${message.error}`));
    else asked?.resolve(message.deleted ?? 0);
  }

  abandon(): void {
    for (const asked of this.asked.values()) asked.reject(new Error('Kinesis stopped before its trim ended'));
    this.asked.clear();
  }
}

/** The serving thread's side: its measurements, its trims, and a stop that lets it flush LevelDB first. */
const serving = (worker: Worker, onPuts: KinesisServerOptions['onPuts'], state: { stopping: boolean }) => {
  let stopped: () => void = () => undefined;
  const trims = new TrimRequests();
  worker.on('error', () => stopped());
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'puts') onPuts?.(message.totals);
    else if (message.type === 'stopped') stopped();
    else if (message.type === 'trimmed') trims.answered(message);
  });
  return {
    trimExpired: (nowMs: number) => trims.send(worker, nowMs),
    stop: async () => {
      state.stopping = true;
      const closed = new Promise<void>((resolve) => {
        stopped = resolve;
      });
      worker.postMessage('stop');
      // Closing flushes LevelDB once the answers in flight are sent (at most a few seconds); then the thread ends.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 6_000)))]);
      clearTimeout(timer);
      await worker.terminate();
      trims.abandon();
    },
  };
};

const loadWorker = async (
  port: number,
  path: string | undefined,
  options: KinesisServerOptions,
): Promise<LoadedWorker> => {
  const { onPuts, trimEveryMs = TRIM_EVERY_MS } = options;
  const worker = new Worker(new URL('./kinesis-worker.mjs', import.meta.url), {
    workerData: { port, path, meterPuts: onPuts !== undefined, trimEveryMs },
  });
  const state = { stopping: false };
  // Without a listener, an exception thrown on kinesalite's thread would end this whole process.
  worker.on('error', (error) => {
    if (!state.stopping) {
      process.stderr.write(`Kinesis (kinesalite) on 127.0.0.1:${port} failed: ${error.stack ?? error}\n`);
    }
  });
  await once(worker, 'message');
  return {
    serve: async () => {
      worker.postMessage('serve');
      const [first] = (await once(worker, 'message')) as [WorkerMessage];
      if (first.type !== 'ready') {
        await worker.terminate();
        throw new Error(
          `Kinesis (kinesalite) could not start on 127.0.0.1:${port}: ${'message' in first ? first.message : first.type}`,
        );
      }
      return serving(worker, onPuts, state);
    },
  };
};

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
  let worker: KinesisWorker | undefined = await (await loadWorker(port, path, options)).serve();
  // Restarts and stops one at a time, in the order asked; a failed one does not block the next.
  let settled: Promise<unknown> = Promise.resolve();
  const inTurn = (change: () => Promise<void>): Promise<void> => {
    const changed = settled.then(change);
    settled = changed.catch(() => undefined);
    return changed;
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    trimExpired: async (nowMs = Date.now()) => {
      await settled;
      if (!worker) {
        throw new Error(`Kinesis on 127.0.0.1:${port} is not running (stopped, or its restart failed)`);
      }
      return worker.trimExpired(nowMs);
    },
    restart: () =>
      inTurn(async () => {
        // The next thread loads while this one still serves: clients wait only for the store to change hands.
        const next = await loadWorker(port, path, options);
        await worker?.stop();
        worker = undefined;
        worker = await next.serve();
      }),
    stop: () =>
      inTurn(async () => {
        await worker?.stop();
        worker = undefined;
      }),
  };
};
