import type { StorageLike } from './browser.ts';

/** The value stored under `key`, or undefined when it is missing, unreadable or not JSON (it is then removed). */
export const readJson = <T>(storage: StorageLike, key: string): T | undefined => {
  try {
    const text = storage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as T);
  } catch {
    remove(storage, key);
    return undefined;
  }
};

/**
 * Stores `value` (or text already JSON) under `key`; false when the browser refuses (quota, privacy mode):
 * the page goes on with what it holds in memory, and analytics never break the page.
 */
export const writeJson = (storage: StorageLike, key: string, value: unknown): boolean => {
  try {
    storage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
};

export const remove = (storage: StorageLike, key: string): void => {
  try {
    storage.removeItem(key);
  } catch {
    // Nothing to do: a key that cannot be removed is read again and adopted again, which is safe.
  }
};

/** Every key that starts with `prefix`, read before any is removed (removing shifts the indexes). */
export const keysWithPrefix = (storage: StorageLike, prefix: string): string[] => {
  const keys: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
  } catch {
    // An unreadable store holds nothing to adopt.
  }
  return keys;
};
