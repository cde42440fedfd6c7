import {
  CATEGORIES,
  categoryPage,
  PRODUCTS,
  type Product,
  productPage,
} from '../../../producers/web-catalog.ts';

/** A product of the demo shop: the web simulator's catalog, so the shop's events look like the simulated ones. */
export interface ShopProduct extends Product {
  readonly name: string;
  /** `/product/<id>`, the page whose page views are the product's views. */
  readonly page: string;
}

/** Display names; a product the simulator adds later gets one from its category and id. */
const NAMES: Readonly<Record<string, string>> = {
  'p-101': 'Trail runners',
  'p-102': 'Leather boots',
  'p-123': 'Linen shirt',
  'p-124': 'Oxford shirt',
  'p-140': 'Canvas tote',
  'p-141': 'Weekender bag',
  'p-160': 'Field watch',
  'p-161': 'Everyday watch',
  'p-180': 'Camp mug set',
  'p-181': 'Two-person tent',
  'p-182': 'Trail socks',
};

const capitalized = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

export const SHOP_PRODUCTS: readonly ShopProduct[] = PRODUCTS.map((product) => ({
  ...product,
  name: NAMES[product.id] ?? `${capitalized(product.category)} ${product.id}`,
  page: productPage(product),
}));

export const SHOP_CATEGORIES: readonly { readonly name: string; readonly page: string }[] = CATEGORIES.map(
  (category) => ({ name: category, page: categoryPage(category) }),
);

/** The currency of every price and purchase in the shop. */
export const SHOP_CURRENCY = 'EUR';
