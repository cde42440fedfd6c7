import { describe, expect, it } from 'vitest';
import { compactionSummaryLine } from '../../../../commands/start/compaction-text.ts';

const figures = {
  hours: 4,
  hoursCompacted: 0,
  visibleFiles: 48,
  visibleBytes: 3 * 1024 * 1024,
  supersededFiles: 0,
  supersededBytes: 0,
};

describe('the summary line about compaction', () => {
  it('says why nothing is compacted yet in a demo whose hours are still open', () => {
    expect(compactionSummaryLine(figures)).toBe(
      '  compaction (hourly)     4 dataset-hours in the lake, 0 compacted: queries read 48 files (3 MiB) — ' +
        'an hour is compacted once closed (its end + the allowed lateness + a settle margin), by a later run',
    );
  });

  it('shows what queries read after compaction and what waits out the grace period', () => {
    const line = compactionSummaryLine({
      ...figures,
      hoursCompacted: 2,
      visibleFiles: 3,
      visibleBytes: 900 * 1024,
      supersededFiles: 40,
      supersededBytes: 1.5 * 1024 * 1024,
    });
    expect(line).toBe(
      '  compaction (hourly)     4 dataset-hours in the lake, 2 compacted: queries read 3 files (900 KiB); ' +
        '40 files (1.5 MiB) replaced, deleted after the grace period',
    );
  });
});
