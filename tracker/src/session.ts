import type { StorageLike } from './browser.ts';
import { readJson, writeJson } from './storage.ts';

export const SESSION_KEY = 'streamlake:session';

interface StoredSession {
  readonly id: string;
  /** Unix ms of the session's last event. */
  readonly seen: number;
}

/**
 * The visitor's session id, first-party only: kept in `storage` (no cookie), shared by the site's tabs, and
 * replaced by a new one after `idleMs` without an event. Read on every event, so a session another tab started
 * or kept alive is the one used.
 */
export const sessionIds =
  (storage: StorageLike, idleMs: number, newId: (unixMs: number) => string) =>
  (unixMs: number): string => {
    const stored = readJson<StoredSession>(storage, SESSION_KEY);
    const id = typeof stored?.id === 'string' && unixMs - stored.seen <= idleMs ? stored.id : newId(unixMs);
    writeJson(storage, SESSION_KEY, { id, seen: unixMs } satisfies StoredSession);
    return id;
  };
