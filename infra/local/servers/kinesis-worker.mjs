// Runs kinesalite on its own thread so the Kinesis API does not compete with producers and
// pollers for the main event loop. Plain JavaScript: no TypeScript loader inside the worker.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite');
const { port, path } = workerData;
const server = kinesalite({
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  shardLimit: 100,
  ...(path ? { path } : {}),
});
server.once('error', (error) => parentPort.postMessage({ type: 'error', message: error.message }));
server.listen(port, '127.0.0.1', () => parentPort.postMessage({ type: 'ready' }));
parentPort.on('message', (message) => {
  if (message === 'stop') server.close(() => parentPort.postMessage({ type: 'stopped' }));
});
