import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import {
  type FunctionFaultCounts,
  type FunctionFaultEffect,
  FunctionFaults,
} from '../faults/function-faults.ts';
import type { FunctionPlan } from '../template.ts';

const WORKER = new URL('./worker.mjs', import.meta.url);

/** A function's error as Lambda reports it: the handler threw, or ran out of time. */
export class FunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionName}: ${errorType}: ${message}`);
    this.name = 'FunctionError';
  }
}

/** What an execution environment answers for one invocation. */
interface WorkerReply {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { name: string; message: string };
}

/** The errors after which an execution environment is gone and a new one is started, as on Lambda. */
const ENVIRONMENT_ENDED: readonly string[] = ['Sandbox.Timedout', 'Runtime.ExitError'];

/** Where the bundled handler of a function lives in the cloud assembly: `index.handler` → index.mjs. */
export const handlerModule = (assemblyDir: string, fn: FunctionPlan) => {
  if (!fn.assetPath) {
    throw new Error(
      `function ${fn.logicalId} has no aws:asset:path metadata: synthesize with asset metadata enabled`,
    );
  }
  const dot = fn.handler.lastIndexOf('.');
  const base = join(assemblyDir, fn.assetPath, fn.handler.slice(0, dot));
  const modulePath = ['.mjs', '.js', '.cjs'].map((ext) => base + ext).find(existsSync);
  if (!modulePath) throw new Error(`no bundled code for ${fn.logicalId} at ${base}.mjs: run the synth again`);
  return { modulePath, exportName: fn.handler.slice(dot + 1) };
};

/** What the Lambda service measures of one invocation (the AWS/Lambda metrics). */
export interface InvocationReport {
  /** The function's physical name, the `FunctionName` dimension. */
  readonly functionName: string;
  readonly startedAtMs: number;
  /**
   * From handing the event to the environment until its reply. A cold environment's first invocation
   * includes loading the code, which Lambda reports apart as Init Duration.
   */
  readonly durationMs: number;
  /** The handler threw, timed out or crashed its environment. */
  readonly failed: boolean;
  /**
   * Of `durationMs`, the time the environment's thread was running rather than waiting (its event loop's active
   * time): what scales with the CPU Lambda gives the function's memory (`npm run cost`). Not an AWS metric.
   */
  readonly busyMs?: number;
  /** Invocations of this function in flight when this one started, itself included. */
  readonly concurrent: number;
}

/**
 * Runs a function's bundled code the way Lambda does: each concurrent invocation gets its own
 * execution environment (a worker thread with the function's environment variables), reused
 * while warm; an invocation past the timeout kills its environment, and one whose environment exits
 * fails with Runtime.ExitError. Faults injected for chaos scenarios do either on purpose (injectFault).
 */
export class LocalFunction {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  /** Injected faults waiting for the next invocations (`npm start -- --faults`). */
  private readonly faults = new FunctionFaults();
  private nextId = 0;
  private inFlight = 0;

  constructor(
    private readonly fn: FunctionPlan,
    private readonly module: { modulePath: string; exportName: string },
    private readonly environment: Record<string, string>,
    /** Receives every line the function writes to stdout/stderr (JSON logs and EMF metrics). */
    private readonly onLogLine: (line: string) => void,
    /** Told about every invocation, whichever path invoked it (mapping, schedule, test). */
    private readonly onInvocation?: (report: InvocationReport) => void,
  ) {}

  private spawn(): Worker {
    const worker = new Worker(WORKER, {
      workerData: {
        ...this.module,
        functionName: this.fn.name,
        functionArn: this.fn.arn,
        memoryMb: this.fn.memoryMb,
        timeoutSeconds: this.fn.timeoutSeconds,
      },
      env: { ...this.environment },
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on('line', this.onLogLine);
    }
    this.all.add(worker);
    worker.once('exit', () => this.all.delete(worker));
    return worker;
  }

  async invoke(event: unknown): Promise<unknown> {
    const startedAtMs = Date.now();
    const started = performance.now();
    const concurrent = ++this.inFlight;
    let failed = true;
    let busyMs: number | undefined;
    try {
      const result = await this.run(event, (busy) => {
        busyMs = busy;
      });
      failed = false;
      return result;
    } finally {
      this.inFlight--;
      this.onInvocation?.({
        functionName: this.fn.name,
        startedAtMs,
        durationMs: performance.now() - started,
        failed,
        concurrent,
        ...(busyMs === undefined ? {} : { busyMs }),
      });
    }
  }

  /** The next `invocations` invocations fail with `effect` (see function-faults.ts). */
  injectFault(effect: FunctionFaultEffect, invocations: number): void {
    this.faults.inject(effect, invocations);
  }

  faultCounts(): FunctionFaultCounts {
    return this.faults.counts();
  }

  private async run(event: unknown, onBusy: (busyMs: number) => void): Promise<unknown> {
    const worker = this.idle.pop() ?? this.spawn();
    const before = worker.performance.eventLoopUtilization();
    try {
      const reply = await this.reply(worker, event, this.faults.take());
      onBusy(worker.performance.eventLoopUtilization(before).active);
      this.idle.push(worker);
      if (!reply.ok) {
        // Lambda's runtime logs an unhandled error as one JSON line; so does the local one.
        this.onLogLine(
          JSON.stringify({
            level: 'ERROR',
            errorType: reply.error?.name,
            errorMessage: reply.error?.message,
          }),
        );
        throw new FunctionError(this.fn.name, reply.error?.name ?? 'Error', reply.error?.message ?? '');
      }
      return reply.result;
    } catch (error) {
      // A handler error leaves the environment reusable; a timeout or crash has already ended it.
      if (error instanceof FunctionError && !ENVIRONMENT_ENDED.includes(error.errorType)) {
        if (!this.idle.includes(worker)) this.idle.push(worker);
      }
      throw error;
    }
  }

  /**
   * Hands one event to an environment and waits for its reply; rejects when the environment runs past
   * the function's timeout (it is then ended) or exits mid-invocation.
   */
  private reply(
    worker: Worker,
    event: unknown,
    fault: FunctionFaultEffect | undefined,
  ): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      const detach = () => {
        clearTimeout(timer);
        worker.removeListener('message', onMessage);
        worker.removeListener('error', onError);
        worker.removeListener('exit', onExit);
      };
      const timer = setTimeout(() => {
        detach();
        void worker.terminate();
        if (fault === 'timeout') this.faults.done('timeout');
        reject(
          new FunctionError(
            this.fn.name,
            'Sandbox.Timedout',
            `Task timed out after ${this.fn.timeoutSeconds}s`,
          ),
        );
      }, this.fn.timeoutSeconds * 1000);
      const onMessage = (message: WorkerReply & { id: number }) => {
        if (message.id !== id) return;
        detach();
        resolve(message);
      };
      const onError = (error: Error) => {
        detach();
        reject(new FunctionError(this.fn.name, 'Runtime.ExitError', error.message));
      };
      const onExit = (code: number) => {
        detach();
        if (fault === 'crash') this.faults.done('crash');
        const cause = fault === 'crash' ? ' (injected fault)' : '';
        reject(
          new FunctionError(
            this.fn.name,
            'Runtime.ExitError',
            `the execution environment exited mid-invocation with status ${code}${cause}`,
          ),
        );
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, event, fault });
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.all].map((worker) => worker.terminate()));
    this.idle.length = 0;
  }
}
