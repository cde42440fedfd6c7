import { describe, expect, it } from 'vitest';
import { portWindow } from '../../../../../infra/local/servers/ports.ts';

describe('portWindow', () => {
  it('is below the Linux ephemeral range when not set', () => {
    // Act
    const window = portWindow('');

    // Assess
    expect(window.low).toBeGreaterThanOrEqual(1024);
    expect(window.high).toBeLessThan(32_768);
  });

  it('reads low-high', () => {
    expect(portWindow('26000-28999')).toEqual({ low: 26_000, high: 28_999 });
  });

  it.each([
    'abc',
    '80-2000',
    '30000-70000',
    '30000-30005',
  ])('refuses %s, naming it and the form it should take', (setting) => {
    expect(() => portWindow(setting)).toThrow(new RegExp(`STREAMLAKE_PORT_WINDOW=${setting} .*low-high`));
  });
});
