/** The simulated shop: its pages, products and where visitors come from. */

export interface Product {
  readonly id: string;
  readonly category: string;
  /** Unit price, the same number in EUR or USD to keep the simulation simple. */
  readonly price: number;
}

export const CATEGORIES = ['shoes', 'shirts', 'bags', 'watches', 'outdoor'] as const;

export const PRODUCTS: readonly Product[] = [
  { id: 'p-101', category: 'shoes', price: 89.9 },
  { id: 'p-102', category: 'shoes', price: 129 },
  { id: 'p-123', category: 'shirts', price: 24.5 },
  { id: 'p-124', category: 'shirts', price: 39.99 },
  { id: 'p-140', category: 'bags', price: 59 },
  { id: 'p-141', category: 'bags', price: 149.5 },
  { id: 'p-160', category: 'watches', price: 219 },
  { id: 'p-161', category: 'watches', price: 74.95 },
  { id: 'p-180', category: 'outdoor', price: 34.9 },
  { id: 'p-181', category: 'outdoor', price: 199 },
  { id: 'p-182', category: 'outdoor', price: 12.99 },
];

export const productPage = (product: Product) => `/product/${product.id}`;
export const categoryPage = (category: string) => `/category/${category}`;

export const productOfPage = (page: string): Product | undefined =>
  page.startsWith('/product/') ? PRODUCTS.find((p) => productPage(p) === page) : undefined;

/** Where sessions land, weighted roughly like a shop's entry pages. */
export const LANDING_PAGES: readonly (readonly [string, number])[] = [
  ['/', 40],
  ['/search', 10],
  ...CATEGORIES.map((c) => [categoryPage(c), 5] as const),
  ...PRODUCTS.map((p) => [productPage(p), 2] as const),
];

/** Pages reached by navigating from another page. */
export const BROWSE_PAGES: readonly (readonly [string, number])[] = [
  ['/', 8],
  ['/search', 10],
  ['/account', 2],
  ['/help', 1],
  ...CATEGORIES.map((c) => [categoryPage(c), 6] as const),
  ...PRODUCTS.map((p) => [productPage(p), 4] as const),
];

export const REFERRERS: readonly (readonly [string | undefined, number])[] = [
  [undefined, 40],
  ['https://www.google.com/', 35],
  ['https://newsletter.example.com/weekly', 10],
  ['https://www.instagram.com/', 10],
  ['https://partner.example.org/deals', 5],
];

export const CLICK_TARGETS = [
  'nav-logo',
  'search-box',
  'filter-price',
  'product-card',
  'image-gallery',
  'size-picker',
  'newsletter-signup',
  'footer-help',
] as const;

export const CLIENT_ERRORS: readonly (readonly [errorType: string, message: string])[] = [
  ['TypeError', "Cannot read properties of undefined (reading 'price')"],
  ['NetworkError', 'Failed to fetch /api/recommendations'],
  ['ChunkLoadError', 'Loading chunk 412 failed'],
  ['SecurityError', 'The operation is insecure'],
];

export const SHOP_ORIGIN = 'https://shop.example.com';
