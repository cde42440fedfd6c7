import type {
  CollectorRequest,
  FetchLike,
  Listener,
  StorageLike,
  TrackerWindow,
} from '../../../tracker/src/browser.ts';

/** `localStorage` over a Map; `full` makes every write fail as a browser over its quota does. */
export class FakeStorage implements StorageLike {
  readonly items = new Map<string, string>();
  full = false;

  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.full) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  /** The parsed stored queues, one per page that left one. */
  queues(): { closed: boolean; dropped: number; events: [Record<string, unknown>, number, number?][] }[] {
    return [...this.items]
      .filter(([key]) => key.startsWith('streamlake:queue:'))
      .map(([, value]) => JSON.parse(value));
  }
}

class FakeTarget {
  private readonly listeners = new Map<string, Set<Listener>>();

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }
  /** Calls the listeners of `type` with `event`, as the browser would. */
  dispatch(type: string, event: object = {}): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: object) => void)(event);
  }
  listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
}

class FakeDocument extends FakeTarget {
  referrer = '';
  visibilityState = 'visible';
  cookieReads = 0;
  cookieWrites = 0;
  get cookie(): string {
    this.cookieReads++;
    return '';
  }
  set cookie(_value: string) {
    this.cookieWrites++;
  }
}

/** A window with what the tracker touches: location, history, document, navigator and window events. */
export class FakeWindow extends FakeTarget implements TrackerWindow {
  location = { pathname: '/', origin: 'https://shop.test' };
  readonly document = new FakeDocument();
  readonly navigator = { onLine: true };
  readonly history = {
    pushState: (_state: unknown, _title: unknown, url?: unknown) => this.goTo(url),
    replaceState: (_state: unknown, _title: unknown, url?: unknown) => this.goTo(url),
  };

  private goTo(url: unknown): void {
    if (typeof url === 'string')
      this.location = { ...this.location, pathname: new URL(url, this.location.origin).pathname };
  }
  /** The browser's back button: the path changes, then popstate fires. */
  back(pathname: string): void {
    this.location = { ...this.location, pathname };
    this.dispatch('popstate');
  }
  hide(): void {
    this.document.visibilityState = 'hidden';
    this.document.dispatch('visibilitychange');
  }
}

export interface SentRequest {
  readonly url: string;
  readonly init: CollectorRequest;
  readonly events: Record<string, unknown>[];
}

type Answer = Response | Error | Promise<Response> | ((request: SentRequest) => Response);

/** A JSON response as the collector sends one. */
export const reply = (status: number, body?: unknown, headers: Record<string, string> = {}): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** 200 for every event of the request. */
export const acceptAll = ({ events }: SentRequest): Response =>
  reply(200, { accepted: events.length, refused: [] });

/**
 * The collector, as fetch sees it: records each request and answers with the next queued answer (a Response, a
 * thrown network error, a Response still to come, or a function of the request), or 200 for all when none is
 * queued.
 */
export const fakeCollector = () => {
  const requests: SentRequest[] = [];
  const answers: Answer[] = [];
  const fetch: FetchLike = async (url, init) => {
    const request = { url, init, events: JSON.parse(init.body) as Record<string, unknown>[] };
    requests.push(request);
    const answer = answers.shift() ?? acceptAll;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(request) : await answer;
  };
  return {
    fetch,
    requests,
    answer: (...next: Answer[]) => void answers.push(...next),
    /** Every event the collector was sent, by type, in order. */
    types: () => requests.flatMap((request) => request.events.map((event) => event.schema)),
  };
};

/** navigator.sendBeacon that keeps what it was given; `accept` false makes it refuse as a full browser quota does. */
export const fakeBeacon = () => {
  const sent: { url: string; data: Blob }[] = [];
  const beacon = {
    accept: true,
    sent,
    send: (url: string, data: Blob) => {
      if (beacon.accept) sent.push({ url, data });
      return beacon.accept;
    },
    /** The events of every beacon, parsed. */
    events: async () =>
      (await Promise.all(sent.map(({ data }) => data.text()))).flatMap((text) => JSON.parse(text)),
  };
  return beacon;
};
