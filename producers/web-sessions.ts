import type { ClickstreamEvent } from '../schemas/index.ts';
import { DueQueue } from './due-queue.ts';
import { type EventIdMinter, uuidv7 } from './event-ids.ts';
import { SeededRandom } from './random.ts';
import { type EventSource, isoTime } from './source.ts';
import {
  BROWSE_PAGES,
  CLICK_TARGETS,
  CLIENT_ERRORS,
  LANDING_PAGES,
  PRODUCTS,
  productOfPage,
  REFERRERS,
  SHOP_ORIGIN,
} from './web-catalog.ts';

export interface WebSessionOptions {
  readonly seed: number | string;
  /**
   * Upper bound on sessions open at once. Below it, a new session starts whenever no open session
   * is due, so concurrency follows the requested rate; at the bound, the earliest session is hurried.
   * @default 20000
   */
  readonly maxConcurrentSessions?: number;
  /** Mints each event's id from its time; never from the seed, which shapes the traffic only. @default uuidv7 */
  readonly eventIds?: EventIdMinter;
}

type Stage = 'browse' | 'cart' | 'checkout';

interface Session {
  readonly sessionId: string;
  userId: string | undefined;
  readonly currency: 'EUR' | 'USD';
  page: string;
  stage: Stage;
  readonly cart: { productId: string; quantity: number; price: number }[];
}

/** One step of a session: the event it emits, and whether the visitor stays afterwards. */
interface Step {
  readonly event: ClickstreamEvent;
  readonly staysProbability: number;
  readonly dwellMedianMs: number;
}

/**
 * Simulates shoppers: land → browse pages and click → add to cart → cart → checkout → purchase,
 * leaving at every step with some probability, so each stage of the funnel is smaller than the last.
 */
export class WebSessionSimulator implements EventSource {
  private readonly random: SeededRandom;
  private readonly open = new DueQueue<Session>();
  private readonly maxConcurrent: number;
  private readonly eventId: EventIdMinter;

  constructor(options: WebSessionOptions) {
    this.random = new SeededRandom(options.seed);
    this.maxConcurrent = options.maxConcurrentSessions ?? 20_000;
    this.eventId = options.eventIds ?? uuidv7;
  }

  get openSessions(): number {
    return this.open.size;
  }

  next(nowMs: number): ClickstreamEvent {
    const due = this.open.peekDueMs() <= nowMs || this.open.size >= this.maxConcurrent;
    const session = due ? this.open.pop() : undefined;
    const step = session ? this.advance(session, nowMs) : undefined;
    if (session && step) return this.schedule(session, step, nowMs);
    const landing = this.land();
    return this.schedule(landing.session, landing.step(nowMs), nowMs);
  }

  private schedule(session: Session, step: Step, nowMs: number): ClickstreamEvent {
    if (this.random.chance(step.staysProbability)) {
      const dwellMs = Math.min(Math.max(this.random.logNormal(step.dwellMedianMs, 0.8), 300), 600_000);
      this.open.push(session, nowMs + Math.round(dwellMs));
    }
    return step.event;
  }

  private land(): { session: Session; step: (nowMs: number) => Step } {
    const r = this.random;
    const session: Session = {
      sessionId: r.uuid(),
      // Returning customers are often still signed in.
      userId: r.chance(0.25) ? this.userId() : undefined,
      currency: r.chance(0.6) ? 'EUR' : 'USD',
      page: r.weighted(LANDING_PAGES),
      stage: 'browse',
      cart: [],
    };
    const referrer = r.weighted(REFERRERS);
    return {
      session,
      step: (nowMs) => ({
        event: {
          ...this.envelope('clickstream.page_view', session, nowMs),
          page: session.page,
          ...(referrer ? { referrer } : {}),
        },
        staysProbability: 0.7, // bounce rate ~30%
        dwellMedianMs: 9_000,
      }),
    };
  }

  private advance(session: Session, nowMs: number): Step {
    const r = this.random;
    if (session.stage === 'checkout') return this.purchase(session, nowMs);
    if (session.stage === 'cart') {
      if (r.chance(0.7)) {
        if (!session.userId && r.chance(0.6)) session.userId = this.userId(); // sign in to check out
        return this.navigate(session, '/checkout', 'checkout', nowMs, 0.75);
      }
      return this.navigate(session, r.weighted(BROWSE_PAGES), 'browse', nowMs, 0.8);
    }
    const product = productOfPage(session.page);
    const action = r.weighted<'view' | 'click' | 'cart' | 'to-cart' | 'error'>([
      ['view', 55],
      ['click', 30],
      ['cart', product ? 25 : 0],
      ['to-cart', session.cart.length > 0 ? 20 : 0],
      ['error', 2],
    ]);
    switch (action) {
      case 'view':
        return this.navigate(session, r.weighted(BROWSE_PAGES), 'browse', nowMs, 0.86);
      case 'to-cart':
        return this.navigate(session, '/cart', 'cart', nowMs, 0.8);
      case 'click':
        return {
          event: {
            ...this.envelope('clickstream.click', session, nowMs),
            page: session.page,
            element: r.pick(CLICK_TARGETS),
          },
          staysProbability: 0.9,
          dwellMedianMs: 2_500,
        };
      case 'cart': {
        const item = {
          productId: product?.id ?? r.pick(PRODUCTS).id,
          quantity: r.weighted([
            [1, 80],
            [2, 15],
            [3, 5],
          ] as const),
          price: product?.price ?? 0,
        };
        session.cart.push(item);
        return {
          event: { ...this.envelope('clickstream.add_to_cart', session, nowMs), page: session.page, ...item },
          staysProbability: 0.9,
          dwellMedianMs: 6_000,
        };
      }
      case 'error': {
        const [errorType, message] = r.pick(CLIENT_ERRORS);
        return {
          event: {
            ...this.envelope('clickstream.client_error', session, nowMs),
            page: session.page,
            errorType,
            message,
          },
          staysProbability: 0.6, // errors drive visitors away
          dwellMedianMs: 4_000,
        };
      }
    }
  }

  private navigate(session: Session, page: string, stage: Stage, nowMs: number, stays: number): Step {
    const referrer = `${SHOP_ORIGIN}${session.page}`;
    session.page = page;
    session.stage = stage;
    return {
      event: { ...this.envelope('clickstream.page_view', session, nowMs), page, referrer },
      staysProbability: stays,
      dwellMedianMs: 9_000,
    };
  }

  private purchase(session: Session, nowMs: number): Step {
    const items = session.cart.reduce((sum, item) => sum + item.quantity, 0);
    // Sum in cents so the revenue is exact to the cent.
    const cents = session.cart.reduce((sum, item) => sum + Math.round(item.price * 100) * item.quantity, 0);
    return {
      event: {
        ...this.envelope('clickstream.purchase', session, nowMs),
        orderId: `o-${this.random.uuid().slice(0, 18)}`,
        items,
        revenue: cents / 100,
        currency: session.currency,
      },
      staysProbability: 0, // the order confirmation ends the session
      dwellMedianMs: 0,
    };
  }

  private envelope<S extends ClickstreamEvent['schema']>(schema: S, session: Session, nowMs: number) {
    return {
      schema,
      version: 1 as const,
      eventId: this.eventId(nowMs),
      eventTime: isoTime(nowMs),
      sessionId: session.sessionId,
      ...(session.userId ? { userId: session.userId } : {}),
    };
  }

  private userId(): string {
    return `u-${this.random.int(1, 50_000).toString().padStart(5, '0')}`;
  }
}
