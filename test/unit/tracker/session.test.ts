import { describe, expect, it } from 'vitest';
import { SESSION_KEY, sessionIds } from '../../../tracker/src/session.ts';
import { FakeStorage } from './fake-browser.ts';

const IDLE_MS = 30 * 60_000;

const sessions = (storage = new FakeStorage()) => {
  let minted = 0;
  return { storage, sessionId: sessionIds(storage, IDLE_MS, () => `s-${++minted}`) };
};

describe('session ids', () => {
  it('keep one session while the visitor is active, however long it lasts', () => {
    // Prepare
    const { sessionId } = sessions();
    // Act: an event every 29 minutes for five hours.
    const ids = Array.from({ length: 11 }, (_, i) => sessionId(i * 29 * 60_000));
    // Assess
    expect(new Set(ids)).toEqual(new Set(['s-1']));
  });

  it('start a new session after 30 minutes idle, and exactly at the boundary keep the old one', () => {
    // Prepare
    const { sessionId } = sessions();
    // Act
    const ids = [sessionId(0), sessionId(IDLE_MS), sessionId(2 * IDLE_MS + 1), sessionId(2 * IDLE_MS + 2)];
    // Assess
    expect(ids).toEqual(['s-1', 's-1', 's-2', 's-2']);
  });

  it('are shared by the tabs of one site through first-party storage, with no cookie', () => {
    // Prepare
    const storage = new FakeStorage();
    const tabA = sessions(storage);
    const tabB = sessions(storage);
    // Act: tab B keeps the session alive, so tab A, idle for 50 minutes, is still in it.
    const first = tabA.sessionId(0);
    const fromB = tabB.sessionId(25 * 60_000);
    const backInA = tabA.sessionId(50 * 60_000);
    // Assess
    expect([first, fromB, backInA]).toEqual(['s-1', 's-1', 's-1']);
    expect(JSON.parse(storage.getItem(SESSION_KEY) ?? '{}')).toEqual({ id: 's-1', seen: 50 * 60_000 });
  });

  it('survive a store that holds garbage or refuses writes', () => {
    // Prepare
    const { storage, sessionId } = sessions();
    storage.setItem(SESSION_KEY, '{not json');
    // Act
    const afterGarbage = sessionId(0);
    storage.full = true;
    const whileFull = sessionId(1);
    // Assess
    expect(afterGarbage).toBe('s-1');
    expect(whileFull).toBe('s-1');
  });
});
