import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const START = ['--import', 'tsx', 'commands/start/start.ts'];

/** `npm start` (start.ts alone, no npm wrapper) as the leader of its own process group. */
export interface StartedCloud {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

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
  return { child, output, closed };
};

/** A signal to every process of the group, as a terminal's Ctrl-C (SIGINT) or an OOM killer (SIGKILL) sends it. */
export const signalGroup = (started: StartedCloud, signal: NodeJS.Signals): void => {
  try {
    process.kill(-(started.child.pid ?? 0), signal);
  } catch {
    // Already gone.
  }
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
