import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalServer } from '../../../infra/local/servers/kinesis-server.ts';
import { freePort } from '../../../infra/local/servers/ports.ts';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * kinesalite on `path` in a process of its own, as a command run after `npm start` opens the saved stream.
 * A test that opens and closes the same LevelDB folder several times does it this way rather than in the test
 * runner's process: each open then gets a fresh process, and native trouble in one cannot take the runner down.
 * Stopped by closing its stdin.
 */
export const startKinesisProcess = async (path: string): Promise<LocalServer> => {
  const port = await freePort();
  const script = `import { startKinesis } from ${JSON.stringify(join(REPO, 'infra/local/servers/kinesis-server.ts'))};
    const server = await startKinesis(${port}, ${JSON.stringify(path)});
    process.stdin.on('end', async () => { await server.stop(); process.exit(0); });
    process.stdin.resume();
    console.log('ready');`;
  // A file, not -e: with its stdin a pipe, node refuses --input-type for -e.
  const file = join(mkdtempSync(join(tmpdir(), 'kinesis-process-')), 'kinesis.mts');
  writeFileSync(file, script);
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the Kinesis process exited (${code}) before it was ready`)),
    );
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.stdin?.end();
      await exited;
    },
  };
};
