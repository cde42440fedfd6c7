import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../../processors/shared/errors.ts';
import {
  type DynamoDbJvm,
  describeJvmExit,
  type JvmExit,
  spawnDynamoDbJvm,
  untilAnswering,
} from './dynamodb-jvm.ts';
import type { LocalServer } from './kinesis-server.ts';
import { DEFAULT_RESTART_POLICY, nextRestart, type RestartPolicy } from './restart-policy.ts';

/** DynamoDB Local needs Java 17+; say so plainly rather than letting the spawn fail obscurely. */
export const assertJava = (): void => {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java was not found on PATH. DynamoDB Local needs Java 17 or newer: install it (Debian: apt-get install openjdk-17-jre-headless) and run again.',
    );
  }
  const version = /version "(\d+)/.exec(probe.stderr)?.[1];
  if (version && Number(version) < 17) {
    throw new Error(
      `DynamoDB Local needs Java 17 or newer, but java -version reports ${version}: install Java 17+`,
    );
  }
};

/**
 * What became of a DynamoDB Local that exited without being asked to: restarted on its data, not
 * restarted (it kept its tables in memory), a restart that failed (another follows), or restarting given up.
 */
export interface DynamoDbExitReport {
  readonly outcome: 'restarted' | 'not-restarted' | 'restart-failed' | 'gave-up';
  /** Restarts made since it first started. */
  readonly restarts: number;
  /** One sentence for the operator: what happened, and what follows. */
  readonly message: string;
}

export interface DynamoDbServerOptions {
  /** Told each time the JVM exits unasked, and what was done about it. Unset: nobody is told. */
  readonly onExit?: (report: DynamoDbExitReport) => void;
  /** How soon, and how often, a JVM that keeps its data in a folder is restarted. */
  readonly restartPolicy?: RestartPolicy;
}

/** DynamoDB Local, and the process id of the JVM serving it now (a new one after each restart). */
export interface DynamoDbServer extends LocalServer {
  readonly pid: number | undefined;
}

/**
 * Keeps DynamoDB Local serving on one port: when its JVM exits unasked (killed, out of memory, crashed),
 * it starts a new one on the same port and data folder, with its own watchdog, backing off between
 * restarts and giving up after too many. Tables kept in memory would come back empty, so a JVM without a
 * data folder is not restarted: its clients fail from then on, as they would without DynamoDB.
 */
class DynamoDbSupervisor implements DynamoDbServer {
  private current: DynamoDbJvm | undefined;
  private stopping = false;
  private readonly stopped = new AbortController();
  private readonly restartedAtMs: number[] = [];
  private readonly policy: RestartPolicy;

  constructor(
    private readonly port: number,
    private readonly dbPath: string | undefined,
    private readonly options: DynamoDbServerOptions,
  ) {
    this.policy = options.restartPolicy ?? DEFAULT_RESTART_POLICY;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Starts a JVM and watches it from the moment it answers; rejects if it never does. */
  async launch(): Promise<void> {
    const jvm = spawnDynamoDbJvm(this.port, this.dbPath);
    // Current from its spawn, so that stop() during its start-up stops it.
    this.current = jvm;
    await untilAnswering(jvm, this.port);
    void jvm.exited.then((exit) => this.exitedUnasked(jvm, exit));
  }

  /** Stops whichever JVM is current (or starting), and every restart still to come. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await this.current?.stop();
  }

  private async exitedUnasked(jvm: DynamoDbJvm, exit: JvmExit): Promise<void> {
    if (this.stopping || jvm !== this.current) return;
    const exited = `DynamoDB Local exited (${describeJvmExit(exit)})`;
    if (!this.dbPath) {
      this.report(
        'not-restarted',
        `${exited}; not restarted: it kept its tables in memory, so it would come back empty. DynamoDB calls fail from now on: stop the cloud and start it again (with a state folder, it is restarted on its data)`,
      );
      return;
    }
    await this.restart(exited, jvm.output());
  }

  /**
   * Starts JVMs until one answers, waiting longer before each; at most `maxRestarts` tries in a row, so a JVM
   * that cannot start (taking 60 s to say so each time) is not tried forever.
   */
  private async restart(exited: string, lastOutput: string): Promise<void> {
    for (let attempt = 0; attempt < this.policy.maxRestarts; attempt++) {
      const decision = nextRestart(this.restartedAtMs, Date.now(), this.policy);
      if (!decision.restart) break;
      await sleep(decision.delayMs, undefined, { signal: this.stopped.signal }).catch(() => undefined);
      if (this.stopping) return;
      this.restartedAtMs.push(Date.now());
      try {
        await this.launch();
        this.report(
          'restarted',
          `${exited}; restarted on 127.0.0.1:${this.port} with its data in ${this.dbPath}, restart ${this.restarts}`,
        );
        return;
      } catch (error) {
        if (this.stopping) return;
        this.report(
          'restart-failed',
          `DynamoDB Local restart ${this.restarts} failed: ${errorMessage(error)}`,
        );
      }
    }
    const lastWords = lastOutput.trim() ? `; its last output:\n${lastOutput.trim().slice(-1_000)}` : '';
    this.report(
      'gave-up',
      `${exited}; not restarted again after ${this.restarts} restarts (at most ${this.policy.maxRestarts} within ${this.policy.windowMs / 1_000} s). DynamoDB calls fail from now on: find why it keeps exiting, then start the cloud again${lastWords}`,
    );
  }

  private get restarts(): number {
    return this.restartedAtMs.length;
  }

  private report(outcome: DynamoDbExitReport['outcome'], message: string): void {
    this.options.onExit?.({ outcome, restarts: this.restarts, message });
  }
}

/**
 * Amazon's DynamoDB Local as a child process on 127.0.0.1, supervised (see DynamoDbSupervisor).
 * With a `path` its tables persist between runs, and across restarts; without, they live in memory.
 */
export const startDynamoDb = async (
  port: number,
  path?: string,
  options: DynamoDbServerOptions = {},
): Promise<DynamoDbServer> => {
  assertJava();
  // The jar runs with the package folder as its working directory, so the path must be absolute.
  const dbPath = path ? resolvePath(path) : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const server = new DynamoDbSupervisor(port, dbPath, options);
  await server.launch();
  return server;
};
