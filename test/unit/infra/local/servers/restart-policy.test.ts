import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, nextRestart } from '../../../../../infra/local/servers/restart-policy.ts';

const NOW = 1_000_000;
const SECOND = 1_000;

describe('nextRestart', () => {
  it('restarts a first exit after half a second', () => {
    expect(nextRestart([], NOW)).toEqual({ restart: true, delayMs: 500 });
  });

  it('doubles the wait for each restart within the last minute: 0.5, 1, 2, 4, 8 s', () => {
    // Prepare
    const history: number[] = [];
    const delays: number[] = [];

    // Act
    for (let exit = 0; exit < 5; exit++) {
      const decision = nextRestart(history, NOW + exit * SECOND);
      if (decision.restart) delays.push(decision.delayMs);
      history.push(NOW + exit * SECOND);
    }

    // Assess
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
  });

  it('gives up on the sixth exit when five restarts were made within a minute', () => {
    // Prepare
    const history = [0, 10, 20, 30, 40].map((s) => NOW + s * SECOND);

    // Act
    const decision = nextRestart(history, NOW + 50 * SECOND);

    // Assess
    expect(decision).toEqual({ restart: false, restartsInWindow: 5 });
  });

  it('forgets restarts older than the window: a server that crashes once an hour is always restarted', () => {
    // Prepare
    const history = Array.from({ length: 24 }, (_, hour) => NOW + hour * 3_600 * SECOND);

    // Act
    const decision = nextRestart(history, NOW + 24 * 3_600 * SECOND);

    // Assess
    expect(decision).toEqual({ restart: true, delayMs: 500 });
  });

  it('never waits longer than the longest delay', () => {
    // Prepare
    const policy = { ...DEFAULT_RESTART_POLICY, maxRestarts: 20 };
    const history = Array.from({ length: 10 }, (_, i) => NOW + i);

    // Act
    const decision = nextRestart(history, NOW + 10, policy);

    // Assess
    expect(decision).toEqual({ restart: true, delayMs: 10_000 });
  });
});
