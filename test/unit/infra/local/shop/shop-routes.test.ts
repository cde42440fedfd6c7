import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importMapOf } from '../../../../../infra/local/shop/shop-pages.ts';
import { shopRoutes, TRACKER_MODULE } from '../../../../../infra/local/shop/shop-routes.ts';
import { PRODUCTS, productPage } from '../../../../../producers/web-catalog.ts';
import type { TrackerBuild } from '../../../../../tracker/bundle.ts';
import { TRACKER_CACHE_CONTROL, trackerPaths } from '../../../../../tracker/hosting.ts';

const COLLECTOR = 'http://127.0.0.1:4100/prod/v1/events';
const build = (fileName: string, text: string): TrackerBuild => ({
  fileName,
  text,
  minifiedBytes: text.length,
  gzippedBytes: text.length,
});
const BUILDS = [
  build('streamlake-tracker.mjs', 'export const createTracker = () => ({});'),
  build('streamlake-tracker.js', 'var streamlake = {};'),
];
const text = (routes: ReturnType<typeof shopRoutes>, path: string) => routes.get(path)?.body.toString('utf8');

describe('the demo shop’s routes', () => {
  it('serve both tracker builds under their content-versioned folder, cached for a year', () => {
    // Act
    const routes = shopRoutes(COLLECTOR, BUILDS);

    // Assess
    for (const [fileName, path] of trackerPaths(BUILDS)) {
      const file = routes.get(`/${path}`);
      expect(file?.body.toString('utf8')).toBe(BUILDS.find((b) => b.fileName === fileName)?.text);
      expect(file?.headers).toMatchObject({
        'cache-control': TRACKER_CACHE_CONTROL,
        'content-type': 'text/javascript; charset=utf-8',
      });
    }
    expect([...routes.keys()].filter((path) => path.startsWith('/tracker/'))).toHaveLength(2);
  });

  it('give every page the import map to that path and the collector URL, never cached', () => {
    // Prepare
    const modulePath = `/${trackerPaths(BUILDS).get(TRACKER_MODULE)}`;

    // Act
    const routes = shopRoutes(COLLECTOR, BUILDS);

    // Assess
    const pages = ['/', '/cart', '/checkout', '/thank-you', '/category/shoes', ...PRODUCTS.map(productPage)];
    for (const path of pages) {
      const html = text(routes, path);
      expect(html, path).toContain(
        `<script type="importmap">{"imports":{"streamlake-tracker":"${modulePath}"}}`,
      );
      expect(html, path).toContain(`<meta name="streamlake-collector" content="${COLLECTOR}">`);
      expect(routes.get(path)?.headers['cache-control'], path).toBe('no-store');
    }
  });

  it('let pages run only their own scripts and the import map, and connect only to the shop and the collector', () => {
    // Prepare
    const settings = {
      trackerModule: `/${trackerPaths(BUILDS).get(TRACKER_MODULE)}`,
      collectorUrl: COLLECTOR,
    };
    const hash = createHash('sha256').update(importMapOf(settings)).digest('base64');

    // Act
    const policy = shopRoutes(COLLECTOR, BUILDS).get('/')?.headers['content-security-policy'];

    // Assess
    expect(policy).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(policy).toContain("connect-src 'self' http://127.0.0.1:4100");
  });

  it('show each product of the web simulator’s catalog on the home page, with its price', () => {
    const home = text(shopRoutes(COLLECTOR, BUILDS), '/') ?? '';
    for (const product of PRODUCTS) {
      expect(home).toContain(`href="${productPage(product)}"`);
      expect(home).toContain(`data-product-id="${product.id}" data-price="${product.price}"`);
    }
  });

  it('fail naming what is missing when the ES module build is not among the builds', () => {
    expect(() => shopRoutes(COLLECTOR, [build('streamlake-tracker.js', '')])).toThrow(
      /lack streamlake-tracker\.mjs \(given streamlake-tracker\.js\)/,
    );
  });
});
