import { describe, expect, it } from 'vitest';
import { formatProgress, type ProducerProgress, ProgressDisplay } from '../../../producers/progress.ts';

const progress = (sent: number, elapsedMs: number): ProducerProgress => ({
  generated: sent,
  sent,
  failed: 2,
  retried: 5,
  pending: 0,
  elapsedMs,
});

/** Collects what would go to stderr. */
const fakeStream = (isTTY: boolean) => {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
};

describe('progress display', () => {
  it('shows sent, failed, events/s and elapsed time on one line', () => {
    // Act
    const line = formatProgress(progress(12_345, 65_000), 1000.4);
    // Assess
    expect(line).toBe('sent 12,345 · failed 2 · retried 5 · 1,000 events/s · 01:05 elapsed');
  });

  it('redraws in place on a terminal', () => {
    // Prepare
    let now = 0;
    const { stream, written } = fakeStream(true);
    const display = new ProgressDisplay({ stream, now: () => now, ttyIntervalMs: 100 });
    // Act
    display.update(progress(0, 0));
    now = 50;
    display.update(progress(50, 50));
    now = 1000;
    display.update(progress(1000, 1000));
    display.close();
    // Assess
    expect(written).toHaveLength(3);
    expect(written[0]?.startsWith('\r\x1b[2K')).toBe(true);
    expect(written[1]).toContain('1,000 events/s');
    expect(written[2]).toBe('\n');
  });

  it('prints plain lines now and then when not a terminal', () => {
    // Prepare
    let now = 0;
    const { stream, written } = fakeStream(false);
    const display = new ProgressDisplay({ stream, now: () => now, plainIntervalMs: 5000 });
    // Act
    for (now = 0; now <= 12_000; now += 100) display.update(progress(now, now));
    display.update(progress(12_000, 12_000), true);
    // Assess
    expect(written).toHaveLength(4);
    expect(written.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
  });
});
