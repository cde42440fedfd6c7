// Runs kinesalite on its own thread so the Kinesis API does not compete with producers and
// pollers for the main event loop. Plain JavaScript: no TypeScript loader inside the worker.
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
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
/** kinesalite's HTTP server, on its store (opened from `path`, or in memory). */
const openServer = () => {
  const create = kinesaliteDb.create;
  kinesaliteDb.create = (options) => {
    store = create(options);
    return store;
  };
  try {
    return kinesalite({
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      shardLimit: 100,
      ...(path ? { path } : {}),
    });
  } finally {
    kinesaliteDb.create = create;
  }
};

/** One trim at a time: a slow pass is not stacked under the next. */
let trimming = Promise.resolve(0);
const trim = (nowMs) => {
  trimming = trimming.then(
    () => trimExpiredRecords(store, nowMs),
    () => trimExpiredRecords(store, nowMs),
  );
  return trimming;
};
const trimNow = () => {
  // Once stopping, the store is about to close: the next server's trim will do it.
  if (stopping) return;
  trim(Date.now()).catch((error) => {
    if (!/not open/i.test(String(error)))
      process.stderr.write(`kinesalite worker: retention trim failed: ${error}\n`);
  });
};

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

/** Requests kinesalite is answering: the store must stay open until they are answered. */
let answering = 0;
let stopping = false;
const countAnswers = (_req, res) => {
  answering++;
  res.once('close', () => answering--);
  // Once stopping, each answer ends its connection, so that clients reconnect to whatever serves next.
  if (stopping) res.shouldKeepAlive = false;
};

let server;
/** Opens the store and listens; a server being restarted in place loads this thread first, then serves. */
const serve = () => {
  server = openServer();
  server.on('request', countAnswers);
  if (meterPuts) {
    server.on('request', meter);
    setInterval(flush, 500).unref();
  }
  if (trimEveryMs > 0) setInterval(trimNow, trimEveryMs).unref();
  server.once('error', (error) => parentPort.postMessage({ type: 'error', message: error.message }));
  server.listen(port, '127.0.0.1', () => parentPort.postMessage({ type: 'ready' }));
};

/** How long kinesalite's stream changes, written on a timer after their answer, are given before the store closes. */
const STREAM_CHANGES_GRACE_MS = 100;

/** How long answers in flight are waited for before the connections are cut. */
const ANSWERS_GRACE_MS = 2_000;

/**
 * Stops taking connections, lets the answers in flight finish (a bounded wait), then closes the store,
 * which flushes LevelDB. kinesalite's own close does it the other way round: a GetRecords then running
 * opens an iterator on a closed store, which throws on this thread.
 */
const stopServing = async () => {
  if (!server) return;
  stopping = true;
  const closed = new Promise((resolve) => Server.prototype.close.call(server, resolve));
  server.closeIdleConnections();
  const deadline = Date.now() + ANSWERS_GRACE_MS;
  while (answering > 0 && Date.now() < deadline) await sleep(10);
  server.closeAllConnections();
  await closed;
  // A trim deletes through the store: let the one running finish (it is bounded by the same grace).
  await Promise.race([trimming.catch(() => undefined), sleep(ANSWERS_GRACE_MS)]);
  // kinesalite finishes CreateStream, DeleteStream and UpdateShardCount on a timer after it answered
  // (createStreamMs 0 is a setTimeout of 0): let those writes land before the store closes under them.
  await sleep(STREAM_CHANGES_GRACE_MS);
  await new Promise((resolve) => store.db.close(resolve));
};

const stop = () => {
  flush();
  stopServing().then(() => {
    // Measurements of the last calls are still queued behind setImmediate; hand them over after those.
    setImmediate(() => {
      flush();
      parentPort.postMessage({ type: 'stopped' });
    });
  });
};

parentPort.on('message', (message) => {
  if (message === 'serve') serve();
  else if (message === 'stop') stop();
  else if (message?.type === 'trim') {
    trim(message.nowMs).then(
      (deleted) => parentPort.postMessage({ type: 'trimmed', id: message.id, deleted }),
      (error) => parentPort.postMessage({ type: 'trimmed', id: message.id, error: String(error) }),
    );
  }
});
parentPort.postMessage({ type: 'loaded' });
