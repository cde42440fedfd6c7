import { SHOP_CATEGORIES, SHOP_CURRENCY, SHOP_PRODUCTS, type ShopProduct } from './shop-catalog.ts';

/** Where a page finds the tracker and the collector: both decided when the local cloud starts. */
export interface PageSettings {
  /** The ES module build's content-versioned path, e.g. `/tracker/3f2a9c0b1d4e/streamlake-tracker.mjs`. */
  readonly trackerModule: string;
  /** The collector's browser route, `http://127.0.0.1:<port>/<stage>/v1/events`. */
  readonly collectorUrl: string;
}

/** What a page is, for shop.js: which page, and on a product page the product it shows. */
interface PageKind {
  readonly kind: 'home' | 'product' | 'cart' | 'checkout' | 'thank-you';
  readonly product?: ShopProduct;
}

export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export const priceText = (price: number) => `${price.toFixed(2)} ${SHOP_CURRENCY}`;

/**
 * The import map that lets shop.js `import … from 'streamlake-tracker'`: the page loads the tracker from its
 * versioned path before any shop code runs. Its text is hashed into the pages' Content-Security-Policy.
 */
export const importMapOf = (settings: PageSettings): string =>
  JSON.stringify({ imports: { 'streamlake-tracker': settings.trackerModule } });

/** The data attributes shop.js reads: the product a button adds, with its price. */
const productData = (product: ShopProduct) =>
  `data-product-id="${escapeHtml(product.id)}" data-price="${product.price}" data-name="${escapeHtml(product.name)}"`;

const productCard = (product: ShopProduct) => `
      <li class="card" data-category="${escapeHtml(product.category)}">
        <a class="product-link" href="${escapeHtml(product.page)}" data-element="product-card">
          <span class="swatch ${escapeHtml(product.category)}"></span>
          <strong>${escapeHtml(product.name)}</strong>
        </a>
        <span class="price">${priceText(product.price)}</span>
        <button type="button" class="add-to-cart" ${productData(product)}>Add to cart</button>
      </li>`;

const layout = (
  title: string,
  page: PageKind,
  settings: PageSettings,
  main: string,
): string => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="streamlake-collector" content="${escapeHtml(settings.collectorUrl)}">
  <title>${escapeHtml(title)} · streamlake demo shop</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/shop.css">
  <script type="importmap">${importMapOf(settings)}</script>
  <script type="module" src="/shop.js"></script>
</head>
<body data-page="${page.kind}"${page.product ? ` ${productData(page.product)}` : ''}>
  <header>
    <a class="logo" href="/" data-element="nav-logo">streamlake shop</a>
    <nav>
      <a href="/">Products</a>
      <a href="/cart" data-element="nav-cart">Cart (<span id="cart-count">0</span>)</a>
    </nav>
  </header>
  <main>${main}
  </main>
  <footer>
    <p>A demo shop served by the local cloud. Every page view, click, cart and order goes through the browser
    tracker to the local collector, then Kinesis, the rollups and the lake.</p>
    <button type="button" id="broken-widget">Broken widget</button>
    <span id="tracker-status"></span>
  </footer>
</body>
</html>
`;

/** The product list; a category filters it (a real page, or pushState from the filter links). */
export const homePage = (settings: PageSettings, category?: string): string =>
  layout(
    category ?? 'Products',
    { kind: 'home' },
    settings,
    `
    <h1>Products</h1>
    <p class="filters">
      <a href="/" data-filter="">all</a>
      ${SHOP_CATEGORIES.map((c) => `<a href="${escapeHtml(c.page)}" data-filter="${escapeHtml(c.name)}">${escapeHtml(c.name)}</a>`).join('\n      ')}
    </p>
    <ul id="products" class="products">${SHOP_PRODUCTS.map(productCard).join('')}
    </ul>`,
  );

export const productPageHtml = (settings: PageSettings, product: ShopProduct): string =>
  layout(
    product.name,
    { kind: 'product', product },
    settings,
    `
    <article class="product">
      <span class="swatch large ${escapeHtml(product.category)}"></span>
      <div>
        <h1>${escapeHtml(product.name)}</h1>
        <p class="muted">${escapeHtml(product.category)} · ${escapeHtml(product.id)}</p>
        <p class="price">${priceText(product.price)}</p>
        <button type="button" class="add-to-cart" ${productData(product)}>Add to cart</button>
        <a href="/cart">Go to cart</a>
      </div>
    </article>`,
  );

export const cartPage = (settings: PageSettings): string =>
  layout(
    'Cart',
    { kind: 'cart' },
    settings,
    `
    <h1>Your cart</h1>
    <ul id="cart-lines" class="lines"></ul>
    <p>Total: <strong id="cart-total">0.00 ${SHOP_CURRENCY}</strong></p>
    <a id="to-checkout" class="button" href="/checkout">Checkout</a>`,
  );

export const checkoutPage = (settings: PageSettings): string =>
  layout(
    'Checkout',
    { kind: 'checkout' },
    settings,
    `
    <h1>Checkout</h1>
    <p><span id="checkout-items">0</span> items, <strong id="checkout-total">0.00 ${SHOP_CURRENCY}</strong></p>
    <button type="button" id="place-order">Place order</button>`,
  );

export const thankYouPage = (settings: PageSettings): string =>
  layout(
    'Thank you',
    { kind: 'thank-you' },
    settings,
    `
    <h1>Thank you!</h1>
    <p>Order <code id="order-id">–</code> is on its way (to the lake).</p>
    <a href="/">Keep shopping</a>`,
  );
