import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertFreshAllowed,
  inspectStateDir,
  prepareStateDir,
  STATE_MARKER,
  StateDirError,
} from '../../../../infra/local/state-dir.ts';

describe('the state folder marker and --fresh', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'streamlake-state-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const folder = (name: string, files: Record<string, string> = {}) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  };
  const legacyFiles = {
    'cloud.json': '{}',
    'checkpoints.json': '{}',
    'kinesis/LOG': 'x',
    'ground-truth.jsonl': '',
  };

  it('creates and marks a folder that does not exist', () => {
    const dir = join(root, 'new', 'state');
    expect(inspectStateDir(dir).kind).toBe('missing');
    prepareStateDir(dir, { fresh: true });
    expect(JSON.parse(readFileSync(join(dir, STATE_MARKER), 'utf8'))).toMatchObject({
      createdBy: 'streamlake',
      version: 1,
    });
    expect(inspectStateDir(dir).kind).toBe('streamlake');
  });

  it('marks an empty folder, with or without --fresh', () => {
    for (const fresh of [false, true]) {
      const dir = folder(`empty-${fresh}`);
      expect(inspectStateDir(dir).kind).toBe('empty');
      prepareStateDir(dir, { fresh });
      expect(readdirSync(dir)).toEqual([STATE_MARKER]);
    }
  });

  it('--fresh empties a marked folder and marks it again', () => {
    const dir = folder('marked');
    prepareStateDir(dir, { fresh: false });
    writeFileSync(join(dir, 'cloud.json'), '{}');
    mkdirSync(join(dir, 'dynamodb'));
    prepareStateDir(dir, { fresh: true });
    expect(readdirSync(dir)).toEqual([STATE_MARKER]);
  });

  it('without --fresh keeps what a marked folder holds', () => {
    const dir = folder('kept');
    prepareStateDir(dir, { fresh: false });
    writeFileSync(join(dir, 'checkpoints.json'), '{"a":1}');
    prepareStateDir(dir, { fresh: false });
    expect(readFileSync(join(dir, 'checkpoints.json'), 'utf8')).toBe('{"a":1}');
  });

  it("recognises an earlier version's state folder: --fresh empties it, a plain start marks it", () => {
    const old = folder('legacy', legacyFiles);
    expect(inspectStateDir(old).kind).toBe('legacy');
    prepareStateDir(old, { fresh: false });
    expect(existsSync(join(old, STATE_MARKER))).toBe(true);
    expect(existsSync(join(old, 'checkpoints.json'))).toBe(true);

    const again = folder('legacy-fresh', legacyFiles);
    prepareStateDir(again, { fresh: true });
    expect(readdirSync(again)).toEqual([STATE_MARKER]);
  });

  it('refuses --fresh on a folder streamlake did not create, naming it and deleting nothing', () => {
    const dir = folder('notes', { 'notes.txt': 'mine' });
    expect(inspectStateDir(dir).kind).toBe('foreign');
    expect(() => prepareStateDir(dir, { fresh: true })).toThrow(StateDirError);
    expect(() => assertFreshAllowed(dir)).toThrow(
      new RegExp(`refusing --fresh: ${dir} was not created by streamlake.*notes\\.txt.*nothing was deleted`),
    );
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses --fresh on a folder with state files among files streamlake does not write', () => {
    // e.g. the repository after `--state-dir .` once without --fresh: cloud.json and checkpoints.json beside the code.
    const dir = folder('repo', { ...legacyFiles, 'package.json': '{}', 'src/index.ts': '' });
    expect(inspectStateDir(dir).kind).toBe('foreign');
    expect(() => prepareStateDir(dir, { fresh: true })).toThrow(/package\.json/);
    expect(existsSync(join(dir, 'src', 'index.ts'))).toBe(true);
  });

  it('uses a foreign folder without --fresh as before, but never marks it', () => {
    const dir = folder('foreign', { 'notes.txt': 'mine' });
    prepareStateDir(dir, { fresh: false });
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('does not take a marker that is not streamlake JSON', () => {
    const dir = folder('fake', { [STATE_MARKER]: 'hello', 'notes.txt': 'mine' });
    expect(inspectStateDir(dir).kind).toBe('foreign');
  });

  it('refuses a state folder that is a file', () => {
    writeFileSync(join(root, 'file'), 'x');
    expect(() => prepareStateDir(join(root, 'file'), { fresh: false })).toThrow(/is a file, not a folder/);
  });

  it('refuses to empty a folder holding the working directory, even a marked one', () => {
    const dir = folder('outer');
    prepareStateDir(dir, { fresh: false });
    const inner = folder('outer/inner');
    const cwd = process.cwd();
    try {
      process.chdir(inner);
      expect(() => prepareStateDir(dir, { fresh: true })).toThrow(/holds the working directory/);
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(inner)).toBe(true);
  });
});
