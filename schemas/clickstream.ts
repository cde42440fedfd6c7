import { type Static, Type } from '@sinclair/typebox';
import { contractSchema } from './envelope.ts';

/** Web-client identity: every clickstream event belongs to a session; userId once signed in. */
const identity = {
  sessionId: Type.String({ minLength: 1, maxLength: 64 }),
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};
const page = Type.String({ minLength: 1, maxLength: 512, pattern: '^/' });
const money = Type.Number({ minimum: 0, maximum: 1_000_000 });

export const PageViewV1 = contractSchema(
  { dataset: 'clickstream', type: 'page_view', version: 1 },
  { ...identity, page, referrer: Type.Optional(Type.String({ maxLength: 2048 })) },
);
/**
 * v2 adds the time the visitor spent on the previous page, measured by the client as it navigates
 * away (absent on a landing). Capped at a day: longer is a tab left open, not attention.
 */
export const PageViewV2 = contractSchema(
  { dataset: 'clickstream', type: 'page_view', version: 2 },
  {
    ...identity,
    page,
    referrer: Type.Optional(Type.String({ maxLength: 2048 })),
    durationMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
  },
);
export const ClickV1 = contractSchema(
  { dataset: 'clickstream', type: 'click', version: 1 },
  { ...identity, page, element: Type.String({ minLength: 1, maxLength: 128 }) },
);
export const AddToCartV1 = contractSchema(
  { dataset: 'clickstream', type: 'add_to_cart', version: 1 },
  {
    ...identity,
    page,
    productId: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
    price: money,
  },
);
export const PurchaseV1 = contractSchema(
  { dataset: 'clickstream', type: 'purchase', version: 1 },
  {
    ...identity,
    orderId: Type.String({ minLength: 1, maxLength: 64 }),
    items: Type.Integer({ minimum: 1, maximum: 1000 }),
    revenue: money,
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
);
export const ClientErrorV1 = contractSchema(
  { dataset: 'clickstream', type: 'client_error', version: 1 },
  {
    ...identity,
    page,
    errorType: Type.String({ minLength: 1, maxLength: 64 }),
    message: Type.String({ maxLength: 1024 }),
  },
);

export type PageView = Static<typeof PageViewV1>;
/** `clickstream.page_view` v2: a page view with the time spent on the previous page. */
export type PageViewWithDuration = Static<typeof PageViewV2>;
export type Click = Static<typeof ClickV1>;
export type AddToCart = Static<typeof AddToCartV1>;
export type Purchase = Static<typeof PurchaseV1>;
export type ClientError = Static<typeof ClientErrorV1>;
export type ClickstreamEvent = PageView | PageViewWithDuration | Click | AddToCart | Purchase | ClientError;
