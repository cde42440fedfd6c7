import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signalProcessGroup } from '../integration/support/process-group.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const START = ['--import', 'tsx', 'commands/start/start.ts'];

/** `npm start` (start.ts alone, no npm wrapper) as the leader of its own process group. */
export interface StartedCloud {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every cloud started and not yet seen to end: a scenario that throws leaves its cloud here. */
const running = new Set<StartedCloud>();

export const startCloud = (args: readonly string[]): StartedCloud => {
  const child = spawn(process.execPath, [...START, ...args], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => (output.stdout += chunk));
  child.stderr?.on('data', (chunk) => (output.stderr += chunk));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const started = { child, output, closed };
  running.add(started);
  void closed.then(() => running.delete(started));
  return started;
};

/** Kills (SIGKILL, whole process group) every cloud a scenario left running, and waits for each to end. */
export const stopStragglers = async (): Promise<number> => {
  const left = [...running];
  for (const cloud of left) signalGroup(cloud, 'SIGKILL');
  await Promise.all(left.map((cloud) => cloud.closed));
  // DynamoDB Local's watchdog stops the JVM within a second or two of its parent's end.
  if (left.length > 0) await new Promise((resolve) => setTimeout(resolve, 3_000));
  return left.length;
};

/** A signal to every process of the group, as a terminal's Ctrl-C (SIGINT) or an OOM killer (SIGKILL) sends it. */
export const signalGroup = (started: StartedCloud, signal: NodeJS.Signals): void => {
  signalProcessGroup(started.child.pid, signal);
};

/** Polls `holds` every 200 ms; fails naming `what` after `timeoutMs`. */
export const waitFor = async (holds: () => boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** Events are flowing: the live line shows consumers reading (`out <n>/s` with n > 0). */
export const eventsFlowing = (started: StartedCloud, timeoutMs = 180_000) =>
  waitFor(() => /out [1-9]/.test(started.output.stderr), timeoutMs, 'events flowing through the consumers');
