import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertPortFree, freePortRange } from '../../infra/local/servers/ports.ts';

const START = ['--import', 'tsx', 'infra/local/start.ts'];

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('npm start', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-start-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

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

  it('Ctrl-C finishes the in-flight batch, saves checkpoints, prints the summary and stops every server', async () => {
    // Kinesis, DynamoDB, S3, SNS and the dashboard take five ports from the base port on.
    const basePort = await freePortRange(5);
    const child = spawn(
      process.execPath,
      [
        ...START,
        '--forever',
        '--rate',
        '500',
        '--batching-window',
        '1',
        '--state-dir',
        stateDir,
        '--fresh',
        '--base-port',
        String(basePort),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const exit = exited(child);
    const deadline = Date.now() + 90_000;
    while (!/out [1-9]/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(stderr).toMatch(/out [1-9][\d,]*\/s · iterator age [\d.]+s · quarantined \d+ · alerts \d+ opened/);
    expect(stderr).toContain(`ops dashboard: http://127.0.0.1:${basePort + 4}/`);

    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(stdout).toContain('streamlake demo summary');
    expect(existsSync(join(stateDir, 'checkpoints.json'))).toBe(true);
    for (const port of [basePort, basePort + 1, basePort + 2, basePort + 3, basePort + 4])
      await assertPortFree(port, 'a stopped server');
  });
});
