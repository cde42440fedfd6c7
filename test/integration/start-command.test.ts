import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { assertPortFree, freePortRange } from '../../infra/local/servers/ports.ts';
import { BASE_PORT_SPAN } from '../../infra/local/start-up/ports.ts';
import { signalProcessGroup } from './support/process-group.ts';

const START = ['--import', 'tsx', 'commands/start/start.ts'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until true; fails the test naming `what` after `timeoutMs`. */
const waitFor = async (check: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000}s`);
    await sleep(200);
  }
};

/** pids of DynamoDB Local JVMs listening on `port` (this run's, not other tests'). */
const dynamoDbJvms = (port: number): string[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && new RegExp(`-port ${port}\\b`).test(line))
    .map((line) => line.trim().split(/\s+/)[0] ?? '');

interface Started {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  /** Resolves once the process and everything holding its output have ended. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('npm start', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-start-'));
  let running: Started | undefined;
  afterEach(() => {
    // Whatever a failed test left: its whole process group (npm, sh, tsx, node); the JVM's watchdog follows.
    signalProcessGroup(running?.child.pid, 'SIGKILL');
    running = undefined;
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  /**
   * Starts the command leading a process group of its own, so that a signal to the group reaches every
   * process in it, as a terminal's Ctrl-C does. `npm start --` brings the wrappers a user has: npm (it
   * relays SIGINT to its child) and the shell it runs the script with (the script is `node --import tsx`:
   * tsx's CLI, which re-sends SIGINT and SIGKILLs a child slow to acknowledge it, is not in the chain). npm runs the script with bash here:
   * Debian's /bin/sh (dash) ends itself with SIGINT once its child has exited, whatever the child's exit
   * code, and npm then does the same, so through dash the exit code of start.ts is lost; bash execs the
   * script's single command, so it reaches us. `node` is start.ts alone, without any wrapper.
   */
  const startInGroup = (how: 'npm start' | 'node', args: string[]): Started => {
    const child =
      how === 'npm start'
        ? spawn('npm', ['start', '--silent', '--', ...args], {
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, npm_config_script_shell: 'bash' },
          })
        : spawn(process.execPath, [...START, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (chunk) => (output.stdout += chunk));
    child.stderr?.on('data', (chunk) => (output.stderr += chunk));
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    running = { child, output, closed };
    return running;
  };

  /** Ctrl-C as a terminal sends it: SIGINT to every process of the group. */
  const ctrlC = (started: Started) => signalProcessGroup(started.child.pid, 'SIGINT');

  /** How it ended, with the end of stderr so that a failure shows what happened. */
  const ended = async (started: Started) => {
    const { code, signal } = await started.closed;
    return { code, signal, stderr: started.output.stderr.slice(-3000) };
  };

  const eventsFlowing = (started: Started) =>
    waitFor(() => /out [1-9]/.test(started.output.stderr), 150_000, 'events flowing through the consumers');

  /** Every server of the run has stopped: no JVM on its DynamoDB port, every port free. */
  const serversStopped = async (basePort: number) => {
    expect(dynamoDbJvms(basePort + 1)).toEqual([]);
    for (let port = basePort; port < basePort + BASE_PORT_SPAN; port++)
      await assertPortFree(port, 'a stopped server');
  };

  it('--help explains every option', () => {
    const result = spawnSync(process.execPath, [...START, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    for (const option of [
      '--rate',
      '--duration',
      '--forever',
      '--seed',
      '--fresh',
      '--state-dir',
      '--base-port',
      '--dashboard-port',
    ]) {
      expect(result.stdout).toContain(option);
    }
  });

  it('a bad value is refused with the value named and exit code 2', () => {
    const result = spawnSync(process.execPath, [...START, '--rate', 'fast'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--rate must be a number between 1 and 1000000 (given "fast")');
  });

  it('Ctrl-C to the process group drains with every server up, verifies, prints the summary and exits 0', async () => {
    // Kinesis, DynamoDB, S3, SNS and the dashboard take five ports from the base port on.
    const basePort = await freePortRange(BASE_PORT_SPAN);
    const run = startInGroup('npm start', [
      '--forever',
      '--rate',
      '200',
      '--state-dir',
      stateDir,
      '--base-port',
      String(basePort),
    ]);
    await eventsFlowing(run);
    expect(run.output.stderr).toMatch(
      /out [1-9][\d,]*\/s · iterator age [\d.]+s · quarantined \d+ · alerts \d+ opened/,
    );
    expect(run.output.stderr).toContain(`ops dashboard: http://127.0.0.1:${basePort + 4}/`);
    // DynamoDB Local runs in a process group of its own: the group's SIGINT must not reach it.
    const [jvm] = dynamoDbJvms(basePort + 1);
    expect(jvm).toBeDefined();

    ctrlC(run);
    expect(await ended(run)).toMatchObject({ code: 0 });
    const { stdout, stderr } = run.output;
    expect(stdout).toContain('streamlake demo summary');
    expect(stdout).toMatch(/drain {19}caught up [\d.]+s after the producers stopped/);
    expect(stdout).toMatch(/verify \(npm run verify\)\n {2}no differences across \d+ rollup items/);
    expect(stdout).not.toContain('NOT caught up');
    expect(stderr).not.toMatch(/ECONNREFUSED|connection refused/i);
    expect(stderr).not.toContain('stopping now');
    expect(existsSync(join(stateDir, 'checkpoints.json'))).toBe(true);
    await serversStopped(basePort);
  });

  it('a second Ctrl-C a moment later stops without catching up: checkpoints, summary, verify skipped, exit 130', async () => {
    const basePort = await freePortRange(BASE_PORT_SPAN);
    // A long batching window keeps the aggregator behind, so there is a drain for the second Ctrl-C to cut.
    const run = startInGroup('npm start', [
      '--forever',
      '--rate',
      '200',
      '--batching-window',
      '20',
      '--state-dir',
      stateDir,
      '--base-port',
      String(basePort),
    ]);
    await waitFor(() => /sent [1-9]/.test(run.output.stderr), 150_000, 'events being sent');
    await sleep(1_000);
    ctrlC(run);
    await waitFor(() => run.output.stderr.includes('stopping:'), 10_000, 'the first Ctrl-C taking effect');
    await sleep(1_500);
    ctrlC(run);
    expect(await ended(run)).toMatchObject({ code: 130 });
    const { stdout, stderr } = run.output;
    expect(stderr).toContain('stopping now');
    expect(stdout).toContain('streamlake demo summary');
    expect(stdout).toMatch(/drain {19}NOT caught up: [\d,]+ records behind, stopped by a second Ctrl-C/);
    expect(stdout).toMatch(
      /verify skipped: the consumers had not caught up \([\d,]+ records behind, stopped by a second Ctrl-C\) — run npm run verify after the next start/,
    );
    expect(stderr).not.toMatch(/ECONNREFUSED|connection refused/i);
    expect(existsSync(join(stateDir, 'checkpoints.json'))).toBe(true);
    await serversStopped(basePort);
  });
});

describe('DynamoDB Local', () => {
  it('does not outlive a process killed with SIGKILL (its watchdog stops it)', async () => {
    const port = await freePortRange(1);
    const script = `import { startDynamoDb } from './infra/local/servers/dynamodb-server.ts';
      await startDynamoDb(${port}); console.log('up'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let stdout = '';
      child.stdout?.on('data', (chunk) => (stdout += chunk));
      await waitFor(() => stdout.includes('up'), 60_000, 'DynamoDB Local starting');
      expect(dynamoDbJvms(port)).toHaveLength(1);
      child.kill('SIGKILL');
      await waitFor(() => dynamoDbJvms(port).length === 0, 10_000, 'the JVM stopping');
      await assertPortFree(port, 'a stopped DynamoDB Local');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
