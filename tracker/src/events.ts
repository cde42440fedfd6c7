import type {
  AddToCart,
  Click,
  ClientError,
  PageViewWithDuration,
  Purchase,
} from '../../schemas/clickstream.ts';

/** The clickstream contracts the tracker emits, by event type: types only, so no validator ships to browsers. */
export interface TrackedEvents {
  page_view: PageViewWithDuration;
  click: Click;
  add_to_cart: AddToCart;
  purchase: Purchase;
  client_error: ClientError;
}
export type EventType = keyof TrackedEvents;
export type TrackedEvent = TrackedEvents[EventType];

/** What the tracker fills in itself: the envelope and the session. */
type Filled = 'schema' | 'version' | 'eventId' | 'eventTime' | 'sessionId';

/** The fields a caller gives for `type`; `page` defaults to the current path where the contract has one. */
export type EventFields<T extends EventType> = Omit<TrackedEvents[T], Filled | 'page'> &
  ('page' extends keyof TrackedEvents[T] ? { page?: string } : unknown);

/**
 * The contract version emitted per type. page_view is v2: the tracker measures the time spent on the previous
 * page of a single-page app (`durationMs`), which v1 cannot carry.
 */
export const VERSIONS: Readonly<Record<EventType, number>> = {
  page_view: 2,
  click: 1,
  add_to_cart: 1,
  purchase: 1,
  client_error: 1,
};

/** The contracts' string bounds for what the tracker reads from the page itself. */
export const LIMITS = { page: 512, referrer: 2048, errorType: 64, message: 1024 } as const;
/** page_view v2 caps durationMs at a day: longer is a tab left open, not attention. */
export const MAX_DURATION_MS = 86_400_000;

/**
 * `text` cut to `max` UTF-16 units, never between the halves of a surrogate pair: a lone surrogate is a value the
 * contracts refuse, so one cut emoji would cost the whole event.
 */
export const clip = (text: string, max: number): string => {
  const cut = text.slice(0, max);
  return cut.length === max && /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
};
