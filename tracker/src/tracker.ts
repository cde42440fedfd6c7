import { watchPage } from './autotrack.ts';
import { createEmitter } from './emitter.ts';
import {
  clip,
  type EventFields,
  type EventType,
  LIMITS,
  MAX_DURATION_MS,
  type TrackedEvent,
  type TrackedEvents,
  VERSIONS,
} from './events.ts';
import { resolveOptions, type TrackerOptions } from './options.ts';
import { createQueue } from './queue.ts';
import { sessionIds } from './session.ts';
import { emptyStats, type TrackerStats } from './stats.ts';
import { uuidv7 } from './uuidv7.ts';

export interface Tracker {
  /** Records one event of a clickstream contract; returns it as it will be sent. */
  track<T extends EventType>(type: T, fields: EventFields<T>): TrackedEvents[T];
  /** A page view of the current path, with the referrer and the time spent on the previous page filled in. */
  pageView(fields?: Partial<EventFields<'page_view'>>): TrackedEvents['page_view'];
  click(fields: EventFields<'click'>): TrackedEvents['click'];
  addToCart(fields: EventFields<'add_to_cart'>): TrackedEvents['add_to_cart'];
  purchase(fields: EventFields<'purchase'>): TrackedEvents['purchase'];
  clientError(fields: EventFields<'client_error'>): TrackedEvents['client_error'];
  /** Sends what is queued now; resolves when the queue is empty or a request failed. */
  flush(): Promise<void>;
  /** Counters since the tracker started, and the events it holds (`queued`). */
  stats(): Readonly<TrackerStats> & { readonly queued: number };
  /** Stops listening and sending; the queue stays stored for the next page. */
  stop(): void;
}

/** An error loop (a failing animation frame) would otherwise fill the queue with one error and push out the rest. */
export const MAX_AUTO_ERRORS_PER_PAGE = 25;
/** The errorType of the client_error that reports events the full queue dropped. */
export const OVERFLOW_ERROR_TYPE = 'StreamlakeQueueOverflow';

type AnyEvent = Record<string, unknown>;

/**
 * Starts tracking: adopts the queues earlier pages left, records a page view (unless `autoPageViews` is false)
 * and follows history navigation, uncaught errors, hiding and unloading. Usable from a plain
 * `<script type="module">` with `createTracker({ collectorUrl })`.
 */
export const createTracker = (options: TrackerOptions): Tracker => {
  const o = resolveOptions(options);
  const { window: win, now } = o;
  const counters = emptyStats();
  const queue = createQueue(o.storage, uuidv7(now()), o.queueLimit, now);
  const sessionId = sessionIds(o.storage, o.sessionIdleMs, uuidv7);
  let stopped = false;
  let lastPage: { readonly page: string; readonly at: number } | undefined;
  let autoErrors = 0;

  const path = () => clip(win.location?.pathname || '/', LIMITS.page);

  const track = <T extends EventType>(type: T, fields: EventFields<T>): TrackedEvents[T] => {
    const version = VERSIONS[type];
    if (typeof version !== 'number') {
      throw new TypeError(
        `streamlake tracker: unknown event type ${JSON.stringify(type)}: use one of ${Object.keys(VERSIONS).join(', ')}`,
      );
    }
    const t = now();
    const event: AnyEvent = {
      schema: `clickstream.${type}`,
      version,
      eventId: uuidv7(t),
      eventTime: new Date(t).toISOString(),
      sessionId: sessionId(t),
      ...fields,
    };
    if (type !== 'purchase') event.page ??= path();
    // What is returned is what is sent: JSON leaves undefined fields out.
    for (const key in event) if (event[key] === undefined) delete event[key];
    if (!stopped) {
      counters.dropped += queue.add(JSON.stringify(event));
      queue.save();
      emitter.schedule();
      try {
        o.onEvent?.(event as TrackedEvent);
      } catch {
        // The page's listener must not cost the page its analytics, nor loop through window.onerror.
      }
    }
    return event as TrackedEvents[T];
  };

  const pageView = (fields: Partial<EventFields<'page_view'>> = {}) => {
    const t = now();
    const page = fields.page ?? path();
    const previous = lastPage;
    lastPage = { page, at: t };
    const landingReferrer = clip(win.document?.referrer ?? '', LIMITS.referrer) || undefined;
    return track('page_view', {
      // Within the app, the previous page is the referrer, as the browser would have said on a full load.
      referrer: previous
        ? clip(`${win.location?.origin ?? ''}${previous.page}`, LIMITS.referrer)
        : landingReferrer,
      durationMs: previous ? Math.min(Math.max(Math.round(t - previous.at), 0), MAX_DURATION_MS) : undefined,
      ...fields,
      page,
    });
  };

  const clientError = (fields: EventFields<'client_error'>) => track('client_error', fields);

  /** After a delivery, the drops the full queue forced are reported once, as a client error. */
  const reportDrops = () => {
    const count = queue.takeDropped();
    if (count === 0) return;
    clientError({
      errorType: OVERFLOW_ERROR_TYPE,
      message: `the tracker dropped ${count} events: its queue was full while the collector could not take them`,
    });
  };

  const emitter = createEmitter(o, queue, counters, reportDrops);
  counters.dropped += queue.adopt();
  const unwatch = watchPage(
    win,
    {
      navigated: () => {
        if (path() !== lastPage?.page) pageView();
      },
      failed: (errorType, message) => {
        if (autoErrors++ >= MAX_AUTO_ERRORS_PER_PAGE) return;
        clientError({
          errorType: clip(errorType, LIMITS.errorType) || 'Error',
          message: clip(message, LIMITS.message),
        });
      },
      hidden: (unloading) => {
        emitter.beacon(unloading);
        // Closed, so the next page adopts it at once: a hidden page may be discarded without a pagehide (mobile).
        queue.save(true);
      },
      online: () => emitter.retryNow(),
    },
    o.autoPageViews,
  );
  queue.save();
  if (o.autoPageViews) pageView();
  emitter.schedule();

  return {
    track,
    pageView,
    click: (fields) => track('click', fields),
    addToCart: (fields) => track('add_to_cart', fields),
    purchase: (fields) => track('purchase', fields),
    clientError,
    flush: () => emitter.flush(),
    stats: () => ({ ...counters, queued: queue.size }),
    stop: () => {
      stopped = true;
      emitter.stop();
      unwatch();
      queue.save(true);
    },
  };
};
