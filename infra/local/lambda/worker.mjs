// One Lambda execution environment: loads the function's bundled code once, then runs one
// invocation at a time. Plain JavaScript so it needs no TypeScript loader inside the worker.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { modulePath, exportName, functionName, functionArn, memoryMb, timeoutSeconds } = workerData;
const loaded = import(pathToFileURL(modulePath).href);

parentPort.on('message', async ({ id, event }) => {
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
    const result = await handler(event, context);
    parentPort.postMessage({ id, ok: true, result });
  } catch (error) {
    parentPort.postMessage({
      id,
      ok: false,
      error: { name: error?.name ?? 'Error', message: error?.message ?? String(error), stack: error?.stack },
    });
  }
});
