import type { InvocationReport } from '../lambda/local-function.ts';
import type { MetricStore } from './metric-store.ts';

export const LAMBDA_NAMESPACE = 'AWS/Lambda';

/** What the local runtime measures beyond AWS's metrics (not on any dashboard): `BusyDuration`, see InvocationReport. */
export const LOCAL_LAMBDA_NAMESPACE = 'Local/Lambda';

/**
 * The AWS/Lambda metrics of each invocation, dimension `FunctionName`: Invocations, Errors (0 or 1),
 * Duration (ms), Throttles and ConcurrentExecutions (chart its Maximum).
 */
export const lambdaInvocationMetrics =
  (store: MetricStore) =>
  (report: InvocationReport): void => {
    const dimensions = { FunctionName: report.functionName };
    const at = report.startedAtMs;
    store.put({ namespace: LAMBDA_NAMESPACE, name: 'Invocations', dimensions }, 1, at);
    store.put({ namespace: LAMBDA_NAMESPACE, name: 'Errors', dimensions }, report.failed ? 1 : 0, at);
    store.put({ namespace: LAMBDA_NAMESPACE, name: 'Duration', dimensions }, report.durationMs, at);
    if (report.busyMs !== undefined) {
      store.put({ namespace: LOCAL_LAMBDA_NAMESPACE, name: 'BusyDuration', dimensions }, report.busyMs, at);
    }
    // The local runtime starts an environment for every concurrent invocation and never throttles.
    store.put({ namespace: LAMBDA_NAMESPACE, name: 'Throttles', dimensions }, 0, at);
    store.put(
      { namespace: LAMBDA_NAMESPACE, name: 'ConcurrentExecutions', dimensions },
      report.concurrent,
      at,
    );
  };
