import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TrackerBuild } from '../../../tracker/bundle.ts';
import { TRACKER_CACHE_CONTROL, trackerPaths } from '../../../tracker/hosting.ts';
import { SHOP_CATEGORIES, SHOP_PRODUCTS } from './shop-catalog.ts';
import {
  cartPage,
  checkoutPage,
  homePage,
  importMapOf,
  type PageSettings,
  productPageHtml,
  thankYouPage,
} from './shop-pages.ts';

/** One thing the shop serves, ready to send. */
export interface ShopFile {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** The ES module build the pages import; the classic build is served beside it. */
export const TRACKER_MODULE = 'streamlake-tracker.mjs';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const asset = (name: string) => readFileSync(fileURLToPath(new URL(`./page/${name}`, import.meta.url)));

/**
 * Scripts from the shop itself and the import map (by its hash, being inline); requests to the shop and the
 * collector only — `connect-src` governs both fetch and sendBeacon.
 */
const contentSecurityPolicy = (settings: PageSettings): string => {
  const importMapHash = createHash('sha256').update(importMapOf(settings)).digest('base64');
  return [
    "default-src 'self'",
    `script-src 'self' 'sha256-${importMapHash}'`,
    `connect-src 'self' ${new URL(settings.collectorUrl).origin}`,
    "img-src 'self' data:",
  ].join('; ');
};

/**
 * Every route of the shop, path → file, made once when it starts: the pages (the product list, one per category
 * and product, cart, checkout, thank-you), its script and style, and the tracker's two builds under their
 * content-versioned folder with a year's immutable caching, as CloudFront serves them on AWS.
 */
export const shopRoutes = (
  collectorUrl: string,
  builds: readonly TrackerBuild[],
): ReadonlyMap<string, ShopFile> => {
  const paths = trackerPaths(builds);
  const modulePath = paths.get(TRACKER_MODULE);
  if (!modulePath) {
    throw new Error(
      `the tracker builds lack ${TRACKER_MODULE} (given ${builds.map((b) => b.fileName).join(', ') || 'none'}): build them with bundleTracker()`,
    );
  }
  const settings: PageSettings = { trackerModule: `/${modulePath}`, collectorUrl };
  const page = (html: string): ShopFile => ({
    body: Buffer.from(html),
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': contentSecurityPolicy(settings),
    },
  });
  const shopAsset = (name: string, type: string): ShopFile => ({
    body: asset(name),
    headers: { 'content-type': type, 'cache-control': 'no-cache' },
  });
  const routes = new Map<string, ShopFile>([
    ['/', page(homePage(settings))],
    ...SHOP_CATEGORIES.map((c) => [c.page, page(homePage(settings, c.name))] as const),
    ...SHOP_PRODUCTS.map((p) => [p.page, page(productPageHtml(settings, p))] as const),
    ['/cart', page(cartPage(settings))],
    ['/checkout', page(checkoutPage(settings))],
    ['/thank-you', page(thankYouPage(settings))],
    ['/shop.js', shopAsset('shop.js', JAVASCRIPT)],
    ['/shop.css', shopAsset('shop.css', 'text/css; charset=utf-8')],
  ]);
  for (const build of builds) {
    routes.set(`/${paths.get(build.fileName)}`, {
      body: Buffer.from(build.text),
      headers: {
        'content-type': JAVASCRIPT,
        'cache-control': TRACKER_CACHE_CONTROL,
        // A module script loaded from another origin is fetched with CORS, as from CloudFront on AWS.
        'access-control-allow-origin': '*',
      },
    });
  }
  return routes;
};
