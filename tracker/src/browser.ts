/**
 * The parts of a browser the tracker touches, as small structural types: a real `window` fits them, and a unit
 * test passes a fake without a DOM library. The project compiles without the DOM lib, so nothing here names it.
 */

/** `localStorage`, or any store with its synchronous API. */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What the tracker reads of a fetch Response. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

export interface CollectorRequest {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly keepalive: boolean;
  readonly credentials: 'omit';
}

export type FetchLike = (url: string, init: CollectorRequest) => Promise<ResponseLike>;
/** `navigator.sendBeacon`: true when the browser queued the data, which says nothing about its delivery. */
export type SendBeacon = (url: string, data: Blob) => boolean;

// `never` lets a handler declare the event it expects; the browser decides what it passes.
export type Listener = (event: never) => void;

export interface EventTargetLike {
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
}

export interface HistoryLike {
  pushState(...args: unknown[]): unknown;
  replaceState(...args: unknown[]): unknown;
}

export interface TrackerWindow extends EventTargetLike {
  readonly location?: { readonly pathname: string; readonly origin: string };
  readonly document?: EventTargetLike & { readonly referrer: string; readonly visibilityState: string };
  readonly history?: HistoryLike;
  readonly navigator?: { readonly onLine?: boolean; sendBeacon?(url: string, data: Blob): boolean };
  readonly localStorage?: StorageLike;
  fetch?(url: string, init: CollectorRequest): Promise<ResponseLike>;
}

/** A store that lives as long as the page: for when `localStorage` is missing or refused (privacy modes). */
export const memoryStorage = (): StorageLike => {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
};
