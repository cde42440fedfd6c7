import type { HistoryLike } from './browser.ts';

const listeners = new WeakMap<HistoryLike, Set<() => void>>();

/**
 * Calls `listener` after every `pushState` and `replaceState`. The methods are wrapped once per history object,
 * however many trackers listen, and stay wrapped after the last one leaves: unwrapping could undo a wrapper
 * another script put on top of ours. A listener that throws never breaks the page's navigation.
 */
export const onHistoryChange = (history: HistoryLike, listener: () => void): (() => void) => {
  let set = listeners.get(history);
  if (!set) {
    const wrapped = new Set<() => void>();
    for (const name of ['pushState', 'replaceState'] as const) {
      const original = history[name];
      history[name] = function (this: HistoryLike, ...args: unknown[]) {
        const result = original.apply(this, args);
        for (const notify of wrapped) {
          try {
            notify();
          } catch {
            // Analytics must not break navigation.
          }
        }
        return result;
      };
    }
    listeners.set(history, wrapped);
    set = wrapped;
  }
  set.add(listener);
  return () => set.delete(listener);
};
