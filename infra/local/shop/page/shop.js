// The demo shop's only script: the tracker, the cart (kept in localStorage) and the pages' buttons.
// Plain browser JavaScript, no build step; the tracker comes from its content-versioned path through the
// page's import map, so it is loaded before any of this runs.
import { createTracker } from 'streamlake-tracker';

const CART_KEY = 'shop:cart';
const ORDER_KEY = 'shop:last-order';
/** What the tracker had beaconed when the visitor last left a page: shown on the next, read by the browser test. */
const LEFT_KEY = 'shop:left';
const CURRENCY = 'EUR';
/** One product page load in this many shows a recommendations widget that fails: the occasional client error. */
const FLAKY_WIDGET_ONE_IN = 10;

const body = document.body;
const collectorUrl = document.querySelector('meta[name="streamlake-collector"]')?.content ?? '';

/**
 * Tells `window.streamlakeShopHook` (a test's binding, or a curious visitor's function) of every event the
 * tracker queues, automatic ones included, exactly as it will be sent.
 */
const tell = (event) => {
  const hook = window.streamlakeShopHook;
  if (typeof hook !== 'function') return;
  try {
    // A binding that fails (its page closing) must not become an unhandled rejection: the tracker records those.
    Promise.resolve(hook(event)).catch(() => undefined);
  } catch {
    // Nothing to do: the hook is for watching, never for the shop's own working.
  }
};

const tracker = createTracker({ collectorUrl, onEvent: tell, batch: { maxDelayMs: 2000 } });
window.streamlakeShop = { tracker };

const money = (amount) => `${amount.toFixed(2)} ${CURRENCY}`;
const cents = (amount) => Math.round(amount * 100) / 100;

const readCart = () => {
  try {
    const lines = JSON.parse(localStorage.getItem(CART_KEY) ?? '[]');
    return Array.isArray(lines) ? lines : [];
  } catch {
    return [];
  }
};
const writeCart = (lines) => {
  localStorage.setItem(CART_KEY, JSON.stringify(lines));
  showCartCount();
};
const cartItems = (lines) => lines.reduce((sum, line) => sum + line.quantity, 0);
const cartTotal = (lines) => cents(lines.reduce((sum, line) => sum + line.price * line.quantity, 0));

const showCartCount = () => {
  const count = document.getElementById('cart-count');
  if (count) count.textContent = String(cartItems(readCart()));
};

const addToCart = (button) => {
  const { productId, name } = button.dataset;
  const price = Number(button.dataset.price);
  tracker.addToCart({ productId, quantity: 1, price });
  const lines = readCart();
  const line = lines.find((l) => l.productId === productId);
  if (line) line.quantity++;
  else lines.push({ productId, name, price, quantity: 1 });
  writeCart(lines);
  button.textContent = 'Added ✓';
};

const placeOrder = () => {
  const lines = readCart();
  if (lines.length === 0) return;
  const orderId = `o-${crypto.randomUUID()}`;
  tracker.purchase({ orderId, items: cartItems(lines), revenue: cartTotal(lines), currency: CURRENCY });
  sessionStorage.setItem(ORDER_KEY, orderId);
  writeCart([]);
  // A real page load: the queue this page leaves is adopted by the next one.
  location.assign('/thank-you');
};

/** Shows the products of a category (or all): on a category page, and after a filter link's pushState. */
const showCategory = (category) => {
  for (const card of document.querySelectorAll('#products .card')) {
    card.hidden = Boolean(category) && card.dataset.category !== category;
  }
  for (const link of document.querySelectorAll('a[data-filter]')) {
    link.classList.toggle('current', link.dataset.filter === (category ?? ''));
  }
};
const categoryOfPath = () => /^\/category\/([^/]+)$/.exec(location.pathname)?.[1];

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : undefined;
  const filter = target?.closest('a[data-filter]');
  if (filter) {
    // Within the list, a filter is history navigation (pushState): the tracker records its page view.
    event.preventDefault();
    history.pushState({}, '', filter.getAttribute('href'));
    showCategory(filter.dataset.filter || undefined);
    return;
  }
  const tracked = target?.closest('[data-element]');
  if (tracked) tracker.click({ element: tracked.dataset.element });
  const add = target?.closest('button.add-to-cart');
  if (add) addToCart(add);
  if (target?.closest('#place-order')) placeOrder();
  if (target?.closest('#broken-widget')) {
    // Uncaught on purpose: the tracker's window.onerror turns it into a client_error.
    throw new Error('the broken widget broke, as the demo promised');
  }
});
window.addEventListener('popstate', () => showCategory(categoryOfPath()));

const renderCart = () => {
  const lines = readCart();
  const list = document.getElementById('cart-lines');
  list.replaceChildren(
    ...lines.map((line) => {
      const item = document.createElement('li');
      item.textContent = `${line.quantity} × ${line.name} — ${money(line.price * line.quantity)}`;
      return item;
    }),
  );
  if (lines.length === 0) list.textContent = 'Your cart is empty.';
  document.getElementById('cart-total').textContent = money(cartTotal(lines));
  document.getElementById('to-checkout').hidden = lines.length === 0;
};

const renderCheckout = () => {
  const lines = readCart();
  document.getElementById('checkout-items').textContent = String(cartItems(lines));
  document.getElementById('checkout-total').textContent = money(cartTotal(lines));
  document.getElementById('place-order').disabled = lines.length === 0;
};

const flakyRecommendations = () => {
  if (Math.random() * FLAKY_WIDGET_ONE_IN >= 1) return;
  setTimeout(() => {
    throw new TypeError("Cannot read properties of undefined (reading 'recommendations')");
  }, 0);
};

const readLeft = () => {
  try {
    return JSON.parse(localStorage.getItem(LEFT_KEY) ?? 'null');
  } catch {
    return null;
  }
};
const left = readLeft();

const showTrackerStatus = () => {
  const status = document.getElementById('tracker-status');
  const { accepted, queued, retries } = tracker.stats();
  const before = left ? ` · on leaving ${left.page}, ${left.beaconed} beaconed` : '';
  status.textContent = `tracker: ${accepted} accepted, ${queued} queued, ${retries} retries${before}`;
};

// Registered after the tracker's own pagehide listener, so its beacon has gone out by now.
window.addEventListener('pagehide', () => {
  localStorage.setItem(
    LEFT_KEY,
    JSON.stringify({ page: location.pathname, beaconed: tracker.stats().beaconed }),
  );
});

const page = body.dataset.page;
if (page === 'home') showCategory(categoryOfPath());
if (page === 'product') flakyRecommendations();
if (page === 'cart') renderCart();
if (page === 'checkout') renderCheckout();
if (page === 'thank-you') {
  document.getElementById('order-id').textContent = sessionStorage.getItem(ORDER_KEY) ?? '–';
}
showCartCount();
showTrackerStatus();
setInterval(showTrackerStatus, 1000);
body.dataset.ready = 'true';
