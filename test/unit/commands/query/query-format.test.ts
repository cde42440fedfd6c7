import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../../commands/query/query-format.ts';

describe('npm run query table output', () => {
  it('formats 200,000 rows: widths without spreading the rows as arguments, numbers judged once per column', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [i, `p-${i % 7}`]);
    const started = Date.now();
    const lines = formatTable({ columns: ['n', 'page'], rows }).split('\n');
    expect(lines).toHaveLength(200_003);
    expect(lines[0]).toBe('     n │ page');
    expect(lines[200_001]).toBe('199999 │ p-2');
    expect(lines[200_002]).toBe('(200000 rows)');
    // Per cell, the numeric check made this quadratic (minutes); linear, it takes well under a second.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
