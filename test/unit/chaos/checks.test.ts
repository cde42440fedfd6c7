import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { duplicateAlerts, verifyFindings } from '../../chaos/checks.ts';

describe('what a chaos scenario reads from a run', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const alertsIn = (lines: object[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-checks-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'alerts.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n'));
    return dir;
  };
  const alert = (id: string, state: string, subject = 'dev-1') => ({
    state,
    rule: 'device-silent',
    subject,
    message: JSON.stringify({ id, state }),
  });

  it('finds a clean verify clean', () => {
    const stdout = 'summary…\n\nverify (npm run verify)\n  no differences across 75 rollup items\n';
    expect(verifyFindings(stdout)).toEqual({ lost: 0, doubleCounted: 0, clean: true });
  });

  it('sorts differences into lost and counted twice', () => {
    const stdout = [
      'verify (npm run verify)',
      '  page_views#/cart 2026-12-02T08:00Z count: lost 2 (stream 5, dynamodb 3, lake 5)',
      '  page_views#/ 2026-12-02T08:01Z count: counted twice (stream 4, dynamodb 5, lake 4)',
      '  readings#d 2026-12-02T08:01Z: missing',
      '  3 differences across 9 rollup items',
    ].join('\n');
    expect(verifyFindings(stdout)).toEqual({ lost: 2, doubleCounted: 1, clean: false });
  });

  it('counts a transition published twice, not a transition and its resolution', () => {
    const dir = alertsIn([
      alert('t1', 'OPEN'),
      alert('t2', 'RESOLVED'),
      alert('t1', 'OPEN'),
      alert('t3', 'OPEN', 'dev-2'),
    ]);
    expect(duplicateAlerts(dir)).toBe(1);
  });

  it('finds no duplicates where no alert was published', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-none-'));
    dirs.push(dir);
    expect(duplicateAlerts(dir)).toBe(0);
  });
});
