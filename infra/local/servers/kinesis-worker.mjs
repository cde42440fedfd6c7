// Runs kinesalite on its own thread so the Kinesis API does not compete with producers and
// pollers for the main event loop. Plain JavaScript: no TypeScript loader inside the worker.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { measurePut, PUT_TARGETS, PutRecordsTally } from '../metrics/put-records-meter.mjs';
import { trimExpiredRecords } from './kinesis-retention.mjs';

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite');
const kinesaliteDb = require('kinesalite/db');
const { port, path, meterPuts, trimEveryMs } = workerData;

// kinesalite keeps its store to itself; the retention trim needs it. kinesalite() makes it with
// db.create, looked up at call time: wrap that one call to keep the store it returns.
let store;
const create = kinesaliteDb.create;
kinesaliteDb.create = (options) => {
  store = create(options);
  return store;
};
let server;
try {
  server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
    ...(path ? { path } : {}),
  });
} finally {
  kinesaliteDb.create = create;
}

/** One trim at a time: a slow pass is not stacked under the next. */
let trimming = Promise.resolve(0);
const trim = (nowMs) => {
  trimming = trimming.then(
    () => trimExpiredRecords(store, nowMs),
    () => trimExpiredRecords(store, nowMs),
  );
  return trimming;
};
const trimNow = () =>
  trim(Date.now()).catch((error) => {
    if (!/not open/i.test(String(error)))
      process.stderr.write(`kinesalite worker: retention trim failed: ${error}\n`);
  });
if (trimEveryMs > 0) setInterval(trimNow, trimEveryMs).unref();

const tally = new PutRecordsTally();
const flush = () => {
  const totals = tally.drain();
  if (totals.length > 0) parentPort.postMessage({ type: 'puts', totals });
};

const toBuffer = (chunk, encoding) =>
  Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8');

/**
 * Listens beside kinesalite's own handler: keeps the body of each PutRecord(s) call and the response
 * kinesalite writes, and measures them once the response is sent. Nothing kinesalite sees changes.
 */
const meter = (req, res) => {
  if (!PUT_TARGETS.has(req.headers['x-amz-target'])) return;
  // The SDK's JSON protocol; a CBOR request (other SDKs) is not measured.
  if (!String(req.headers['content-type']).startsWith('application/x-amz-json')) return;
  const request = [];
  const response = [];
  req.on('data', (chunk) => request.push(chunk));
  const { write, end } = res;
  res.write = function (...args) {
    const [chunk, encoding] = args;
    if (chunk != null && typeof chunk !== 'function') response.push(toBuffer(chunk, encoding));
    return write.apply(this, args);
  };
  res.end = function (...args) {
    const [chunk, encoding] = args;
    if (chunk != null && typeof chunk !== 'function') response.push(toBuffer(chunk, encoding));
    const result = end.apply(this, args);
    setImmediate(() => {
      try {
        const measured = measurePut(Buffer.concat(request), Buffer.concat(response));
        if (measured) tally.add(measured);
      } catch (error) {
        process.stderr.write(`kinesalite worker: could not measure a put: ${error}\n`);
      }
    });
    return result;
  };
};

if (meterPuts) {
  server.on('request', meter);
  setInterval(flush, 500).unref();
}
server.once('error', (error) => parentPort.postMessage({ type: 'error', message: error.message }));
server.listen(port, '127.0.0.1', () => parentPort.postMessage({ type: 'ready' }));
parentPort.on('message', (message) => {
  if (message?.type === 'trim') {
    trim(message.nowMs).then(
      (deleted) => parentPort.postMessage({ type: 'trimmed', id: message.id, deleted }),
      (error) => parentPort.postMessage({ type: 'trimmed', id: message.id, error: String(error) }),
    );
    return;
  }
  if (message !== 'stop') return;
  flush();
  server.close(() => {
    // Measurements of the last calls are still queued behind setImmediate; hand them over after those.
    setImmediate(() => {
      flush();
      parentPort.postMessage({ type: 'stopped' });
    });
  });
});
