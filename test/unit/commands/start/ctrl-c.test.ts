import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listenForCtrlC } from '../../../../commands/start/ctrl-c.ts';

describe('Ctrl-C during npm start', () => {
  const signals = new EventEmitter();
  const exits: number[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 2, 12) });
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    exits.length = 0;
  });
  afterEach(() => {
    signals.removeAllListeners();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('the same Ctrl-C relayed twice, 50 ms apart, counts once: it stops producing, it does not force', () => {
    const requests = listenForCtrlC(signals, (code) => exits.push(code));
    requests.cloudIsUp();
    signals.emit('SIGINT');
    vi.advanceTimersByTime(50);
    signals.emit('SIGINT');
    expect(requests.stop.aborted).toBe(true);
    expect(requests.force.aborted).toBe(false);
    expect(exits).toEqual([]);
  });

  it('a second Ctrl-C a moment later forces the stop; a third quits with 130', () => {
    const requests = listenForCtrlC(signals, (code) => exits.push(code));
    requests.cloudIsUp();
    signals.emit('SIGINT');
    vi.advanceTimersByTime(1_500);
    signals.emit('SIGTERM');
    expect(requests.force.aborted).toBe(true);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1_500);
    signals.emit('SIGINT');
    expect(exits).toEqual([130]);
  });

  it('a second Ctrl-C while the cloud is still starting quits at once: there is nothing to save', () => {
    const requests = listenForCtrlC(signals, (code) => exits.push(code));
    signals.emit('SIGINT');
    vi.advanceTimersByTime(1_500);
    signals.emit('SIGINT');
    expect(requests.force.aborted).toBe(false);
    expect(exits).toEqual([130]);
  });
});
