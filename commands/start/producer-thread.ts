import { parentPort, workerData } from 'node:worker_threads';
import { localKinesisClient } from '../../infra/local/clients.ts';
import { errorMessage } from '../../processors/shared/errors.ts';
import { runProducers } from '../../producers/run-producers.ts';
import type { FromProducerThread, ProducerThreadData, ToProducerThread } from './threaded-producers.ts';

/** The body of the producers' thread: runProducers with a client of its own, reporting to the demo's thread. */
const data = workerData as ProducerThreadData;
const port = parentPort;
if (!port) throw new Error('producer-thread.ts runs as a worker thread (runProducersInThread)');
const post = (message: FromProducerThread) => port.postMessage(message);
const stop = new AbortController();
port.on('message', (message: ToProducerThread) => {
  if (message.type === 'stop') stop.abort();
});
const client = localKinesisClient(data.kinesisEndpoint);
const credentials = new Map(data.devices?.credentials);
try {
  const summary = await runProducers({
    ...data.run,
    client,
    ...(data.devices
      ? {
          deviceEdge: {
            credentials: async (deviceId: string) => {
              const found = credentials.get(deviceId);
              if (!found) throw new Error(`simulated device ${deviceId} was not registered before producing`);
              return found;
            },
            ...data.devices.batching,
          },
        }
      : {}),
    signal: stop.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
  });
  post({ type: 'done', summary });
} catch (error) {
  post({ type: 'failed', message: errorMessage(error) });
} finally {
  // The demo ends this thread once it has the summary.
  client.destroy();
}
