import { errorMessage } from '../../processors/shared/errors.ts';
import type { Listener, TrackerWindow } from './browser.ts';
import { onHistoryChange } from './history.ts';

export interface PageSignals {
  /** The path may have changed: pushState, replaceState or popstate. */
  navigated(): void;
  /** An uncaught error or unhandled rejection. */
  failed(errorType: string, message: string): void;
  /** The page was hidden (`unloading` false) or is being unloaded or put in the back-forward cache (true). */
  hidden(unloading: boolean): void;
  /** The browser is back online. */
  online(): void;
}

interface ErrorEventLike {
  readonly message?: string;
  readonly error?: unknown;
}

/** `TypeError`, or what a non-Error rejection is called. */
const errorTypeOf = (thrown: unknown, fallback: string): string =>
  thrown instanceof Error && thrown.name ? thrown.name : fallback;

/** Listens to what the tracker records on its own; returns the function that stops listening. */
export const watchPage = (win: TrackerWindow, signals: PageSignals, pageViews: boolean): (() => void) => {
  const stops: (() => void)[] = [];
  const listen = (target: TrackerWindow['document'] | TrackerWindow, type: string, listener: Listener) => {
    // Optional calls: outside a browser (a server render, a test) the global has no event target.
    target?.addEventListener?.(type, listener);
    stops.push(() => target?.removeEventListener?.(type, listener));
  };
  if (pageViews) {
    if (win.history) stops.push(onHistoryChange(win.history, () => signals.navigated()));
    listen(win, 'popstate', () => signals.navigated());
  }
  listen(win, 'error', (event: ErrorEventLike) =>
    signals.failed(errorTypeOf(event.error, 'Error'), event.message || errorMessage(event.error)),
  );
  listen(win, 'unhandledrejection', (event: { readonly reason?: unknown }) =>
    signals.failed(errorTypeOf(event.reason, 'UnhandledRejection'), errorMessage(event.reason)),
  );
  listen(win, 'pagehide', () => signals.hidden(true));
  listen(win.document, 'visibilitychange', () => {
    if (win.document?.visibilityState === 'hidden') signals.hidden(false);
  });
  listen(win, 'online', () => signals.online());
  return () => {
    for (const stop of stops) stop();
  };
};
