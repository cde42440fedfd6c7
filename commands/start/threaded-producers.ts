import { Worker } from 'node:worker_threads';
import type { DeviceCredentials } from '../../infra/local/iot/local-iot.ts';
import type { CollectorWriterOptions } from '../../producers/collector-writer.ts';
import type { DeviceBatchSettings } from '../../producers/mqtt-device-options.ts';
import type { ProducerProgress } from '../../producers/progress.ts';
import type { ProducerSummary, RunProducersOptions } from '../../producers/run-producers.ts';

/** runProducers' options that cross to the producers' thread as data (no client, signal or callbacks). */
export type ThreadedRunOptions = Pick<
  RunProducersOptions,
  'streamName' | 'rate' | 'durationSeconds' | 'forever' | 'seed' | 'devices' | 'poisonRate'
> & {
  /** The collector's address and batching: plain fields only (its injectable functions cannot cross a thread). */
  readonly collector?: Pick<
    CollectorWriterOptions,
    | 'url'
    | 'apiKey'
    | 'origin'
    | 'contentType'
    | 'eventsPerRequest'
    | 'maxDelayMs'
    | 'maxInFlight'
    | 'timeoutMs'
  >;
};

/** What the producers' thread starts from (its workerData). */
export interface ProducerThreadData {
  readonly run: ThreadedRunOptions;
  /** The Kinesis endpoint the thread's own client writes to (poison records, and devices or web sent direct). */
  readonly kinesisEndpoint: string;
  /** The simulated devices' credentials, when they publish over MQTT, and how they batch. */
  readonly devices?: {
    readonly credentials: readonly (readonly [string, DeviceCredentials])[];
    readonly batching?: DeviceBatchSettings;
  };
}

/** Messages from the producers' thread. */
export type FromProducerThread =
  | { readonly type: 'progress'; readonly progress: ProducerProgress }
  | { readonly type: 'done'; readonly summary: ProducerSummary }
  | { readonly type: 'failed'; readonly message: string };

/** Messages to the producers' thread: stop generating (what was generated is still sent). */
export type ToProducerThread = { readonly type: 'stop' };

const THREAD = new URL('./producer-thread.mjs', import.meta.url);

/**
 * Runs the simulators (runProducers) on a thread of their own, so generating events, the collector's HTTP
 * client and the devices' MQTT clients do not share the local cloud's event loop — on AWS they are clients
 * elsewhere, and on two cores they took a third of that loop at 5,000 events/s (docs/decisions.md, D37).
 * Aborting `stop` stops generating, as runProducers' signal does; resolves with its summary.
 */
export const runProducersInThread = (
  data: ProducerThreadData,
  stop: AbortSignal,
  onProgress?: (progress: ProducerProgress) => void,
): Promise<ProducerSummary> =>
  new Promise<ProducerSummary>((resolve, reject) => {
    const thread = new Worker(THREAD, { workerData: data });
    let settled = false;
    const settle = (act: () => void) => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', onStop);
      act();
      void thread.terminate();
    };
    const onStop = () => thread.postMessage({ type: 'stop' } satisfies ToProducerThread);
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
    thread.on('message', (message: FromProducerThread) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.summary));
      else settle(() => reject(new Error(message.message)));
    });
    thread.once('error', (error) => settle(() => reject(error)));
    thread.once('exit', (code) =>
      settle(() => reject(new Error(`the producers' thread ended (exit code ${code}) before its summary`))),
    );
  });
