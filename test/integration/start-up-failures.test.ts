import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { assertJava } from '../../infra/local/servers/dynamodb-server.ts';
import { freePort, freePortRange } from '../../infra/local/servers/ports.ts';
import { BASE_PORT_SPAN } from '../../infra/local/start-up/ports.ts';
import { prepareStateDir, STATE_MARKER } from '../../infra/local/state-dir.ts';

const START = ['--import', 'tsx', 'commands/start/start.ts'];

describe('the local cloud refuses to start with a clear message', () => {
  let blocker: Server | undefined;
  const path = process.env.PATH;
  const root = mkdtempSync(join(tmpdir(), 'streamlake-start-up-'));
  afterEach(() => {
    blocker?.close();
    blocker = undefined;
    process.env.PATH = path;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A base port whose neighbour (DynamoDB's) we hold; the neighbour may be someone else's, so try again then. */
  const holdDynamoDbPort = async (): Promise<number> => {
    let port = 0;
    for (let attempt = 0; attempt < 20 && !blocker?.listening; attempt++) {
      port = await freePort();
      const candidate = createServer();
      const held = await new Promise<boolean>((resolve) => {
        candidate.once('error', () => resolve(false));
        candidate.listen(port + 1, '127.0.0.1', () => resolve(true));
      });
      if (held) blocker = candidate;
    }
    expect(blocker?.listening).toBe(true);
    return port;
  };

  /** A state folder as a run leaves it: the marker, checkpoints, cloud.json, server data. */
  const streamlakeFolder = (name: string) => {
    const dir = join(root, name);
    prepareStateDir(dir, { fresh: false });
    writeFileSync(join(dir, 'checkpoints.json'), '{"kept":true}');
    writeFileSync(join(dir, 'cloud.json'), '{}');
    mkdirSync(join(dir, 'dynamodb'));
    return dir;
  };

  it('when one of its ports is already taken, naming the port and what to do', async () => {
    const port = await holdDynamoDbPort();
    await expect(LocalCloud.start({ basePort: port })).rejects.toThrow(
      new RegExp(`port ${port + 1} for DynamoDB Local is already in use.*--base-port`),
    );
  });

  it('when Java is missing, saying DynamoDB Local needs Java 17+', () => {
    process.env.PATH = '/nonexistent';
    expect(() => assertJava()).toThrow(/Java was not found.*Java 17 or newer/);
  });

  it('--fresh on a folder streamlake did not create: refused naming the folder, exit code 2, nothing deleted', async () => {
    const dir = join(root, 'x');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const basePort = await freePortRange(BASE_PORT_SPAN);
    const result = spawnSync(
      process.execPath,
      [...START, '--fresh', '--state-dir', dir, '--base-port', String(basePort)],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`error: refusing --fresh: ${dir} was not created by streamlake`);
    expect(result.stderr).toMatch(/notes\.txt.*nothing was deleted.*--state-dir/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--fresh with a port taken: the port error comes first and the state folder is untouched', async () => {
    const port = await holdDynamoDbPort();
    const dir = streamlakeFolder('busy');
    const before = readdirSync(dir);
    const result = spawnSync(
      process.execPath,
      [...START, '--fresh', '--state-dir', dir, '--base-port', String(port)],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`port ${port + 1} for DynamoDB Local is already in use`);
    expect(readdirSync(dir)).toEqual(before);
    expect(readFileSync(join(dir, 'checkpoints.json'), 'utf8')).toBe('{"kept":true}');
    // The same for a folder streamlake did not create (the repro): the port error, and `x` still there.
    const notes = join(root, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'notes.txt'), 'mine');
    await expect(LocalCloud.start({ stateDir: notes, fresh: true, basePort: port })).rejects.toThrow(
      /already in use/,
    );
    expect(readdirSync(notes)).toEqual(['notes.txt']);
  });

  it('--fresh on a folder streamlake created starts over in it', async () => {
    const dir = streamlakeFolder('made');
    const cloud = await LocalCloud.start({ stateDir: dir, fresh: true, basePort: 0 });
    try {
      expect(existsSync(join(dir, STATE_MARKER))).toBe(true);
      expect(existsSync(join(dir, 'cloud.json'))).toBe(true);
      expect(existsSync(join(dir, 'checkpoints.json'))).toBe(false);
    } finally {
      await cloud.stop();
    }
  });
});
