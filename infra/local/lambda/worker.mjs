// One Lambda execution environment: loads the function's bundled code once, then runs one
// invocation at a time. Plain JavaScript so it needs no TypeScript loader inside the worker.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { modulePath, exportName, functionName, functionArn, memoryMb, timeoutSeconds } = workerData;
const loaded = import(pathToFileURL(modulePath).href);

/**
 * An injected crash: the environment dies 0–100 ms into the handler, which may have done part of its work;
 * it never answers. process.exit in a worker thread ends that thread only: the environment, not the cloud.
 */
const crashSoon = () => setTimeout(() => process.exit(1), Math.random() * 100);

/** An injected timeout: the handler has finished, yet the environment does not answer before its deadline. */
const overrunDeadline = (deadline) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()) + 1_000));

parentPort.on('message', async ({ id, event, fault }) => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${process.pid}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const handler = (await loaded)[exportName];
    if (typeof handler !== 'function')
      throw new Error(`${modulePath} does not export a function named ${exportName}`);
    if (fault === 'crash') crashSoon();
    const result = await handler(event, context);
    if (fault === 'crash') return;
    if (fault === 'timeout') await overrunDeadline(deadline);
    parentPort.postMessage({ id, ok: true, result });
  } catch (error) {
    if (fault === 'crash') return;
    if (fault === 'timeout') await overrunDeadline(deadline);
    parentPort.postMessage({
      id,
      ok: false,
      error: { name: error?.name ?? 'Error', message: error?.message ?? String(error), stack: error?.stack },
    });
  }
});
