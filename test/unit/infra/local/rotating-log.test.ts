import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logFiles, olderFile, RotatingLog } from '../../../../infra/local/rotating-log.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rotating-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string) => readFileSync(path, 'utf8');
/** Ten-byte lines (with their newline) make the sizes easy to follow. */
const line = (i: number) => `line ${String(i).padStart(4, '0')}`;

describe('a rotating log', () => {
  it('appends lines to the current file while it stays under the size', () => {
    const file = join(dir, 'logs', 'functions.log');
    const log = new RotatingLog(file, { maxBytes: 30, olderFiles: 2 });
    for (let i = 0; i < 3; i++) log.append(line(i));
    expect(read(file)).toBe(`${line(0)}\n${line(1)}\n${line(2)}\n`);
    expect(logFiles(file, log.rotation)).toEqual([file]);
  });

  it('rolls the current file to .1 when the next line would pass the size, and keeps only the older files asked for', () => {
    const file = join(dir, 'functions.log');
    const rotation = { maxBytes: 30, olderFiles: 2 };
    const log = new RotatingLog(file, rotation);
    for (let i = 0; i < 11; i++) log.append(line(i));
    // 3 lines a file: 0-2 dropped, 3-5 → .2, 6-8 → .1, 9-10 current.
    expect(read(file)).toBe(`${line(9)}\n${line(10)}\n`);
    expect(read(olderFile(file, 1))).toBe(`${line(6)}\n${line(7)}\n${line(8)}\n`);
    expect(read(olderFile(file, 2))).toBe(`${line(3)}\n${line(4)}\n${line(5)}\n`);
    expect(logFiles(file, rotation)).toEqual([olderFile(file, 2), olderFile(file, 1), file]);
  });

  it('never holds more than (older files + 1) × the size, however much is written', () => {
    const file = join(dir, 'alerts.jsonl');
    const rotation = { maxBytes: 100, olderFiles: 3 };
    const log = new RotatingLog(file, rotation);
    for (let i = 0; i < 1_000; i++) log.append(line(i));
    const total = logFiles(file, rotation).reduce((sum, path) => sum + read(path).length, 0);
    expect(total).toBeLessThanOrEqual(400);
    expect(read(file).trimEnd().split('\n').at(-1)).toBe(line(999));
  });

  it('continues the current file of an earlier run, counting what it holds already', () => {
    const file = join(dir, 'functions.log');
    writeFileSync(file, `${line(0)}\n${line(1)}\n`);
    const log = new RotatingLog(file, { maxBytes: 30, olderFiles: 1 });
    log.append(line(2));
    log.append(line(3));
    expect(read(olderFile(file, 1))).toBe(`${line(0)}\n${line(1)}\n${line(2)}\n`);
    expect(read(file)).toBe(`${line(3)}\n`);
  });

  it('with no older files, starts the file over', () => {
    const file = join(dir, 'functions.log');
    const log = new RotatingLog(file, { maxBytes: 20, olderFiles: 0 });
    for (let i = 0; i < 3; i++) log.append(line(i));
    expect(read(file)).toBe(`${line(2)}\n`);
    expect(logFiles(file, log.rotation)).toEqual([file]);
  });

  it('keeps a line longer than the size whole, in a file of its own', () => {
    const file = join(dir, 'functions.log');
    const log = new RotatingLog(file, { maxBytes: 20, olderFiles: 1 });
    log.append(line(0));
    log.append('x'.repeat(50));
    log.append(line(1));
    expect(read(olderFile(file, 1))).toBe(`${'x'.repeat(50)}\n`);
    expect(read(file)).toBe(`${line(1)}\n`);
  });
});
