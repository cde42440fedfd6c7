import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../../commands/lake/lake-views.ts';
import { expectedRollups, rollupDifferences } from '../../commands/verify/ground-truth-rollups.ts';
import { scanRollupTable } from '../../commands/verify/verify-local.ts';
import { readCloudState } from '../../infra/local/cloud-state.ts';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import type { StreamlakeEvent } from '../../schemas/index.ts';
import type { TrackedEvent } from '../../tracker/src/index.ts';
import { eventually, quarantinedRecords } from './support/local-cloud-fixture.ts';
import { streamRecords, waitUntilProcessed } from './support/stream-processed.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** Conditions, not clocks: each wait ends as soon as it holds; this only bounds a run that went wrong. */
const WAIT_MS = 60_000;

interface ShopStats {
  readonly accepted: number;
  readonly queued: number;
  readonly retries: number;
  readonly beaconed: number;
}
/** The page's globals the test reads (the project compiles without the DOM lib). */
interface ShopWindow {
  readonly streamlakeShop: { readonly tracker: { stats(): ShopStats } };
  readonly localStorage: {
    readonly length: number;
    key(index: number): string | null;
    getItem(key: string): string | null;
  };
}

const statsOf = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as ShopWindow).streamlakeShop.tracker.stats());
const ready = (page: Page, kind: string) =>
  page.waitForSelector(`body[data-page="${kind}"][data-ready="true"]`, { timeout: WAIT_MS });

/**
 * What the shop and the tracker left in the origin's localStorage once the page at `path` was hidden, read from
 * a page of the same origin that runs no tracker (one that did would adopt and resend the stored events).
 */
const leftBehind = async (context: BrowserContext, shopUrl: string, path: string) => {
  const page = await context.newPage();
  await page.goto(new URL('/no-tracker-here', shopUrl).href);
  await page.waitForFunction(
    (left) =>
      JSON.parse((globalThis as unknown as ShopWindow).localStorage.getItem('shop:left') ?? 'null')?.page ===
      left,
    path,
    { timeout: WAIT_MS },
  );
  const stored = await page.evaluate(() => {
    const storage = (globalThis as unknown as ShopWindow).localStorage;
    const items: Record<string, string> = {};
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null) items[key] = storage.getItem(key) ?? '';
    }
    return items;
  });
  await page.close();
  const queued = Object.entries(stored)
    .filter(([key]) => key.startsWith('streamlake:queue:'))
    .flatMap(([, text]) => (JSON.parse(text) as { events: [{ eventId: string }, number, number?][] }).events);
  return {
    left: JSON.parse(stored['shop:left'] ?? 'null') as { page: string; beaconed: number } | null,
    beaconedIds: queued.filter(([, , sentAt]) => sentAt !== undefined).map(([event]) => event.eventId),
  };
};

describe('the demo shop in headless chromium, through the local collector into the rollups and the lake', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-shop-'));
  const consumers = new AbortController();
  let cloud: LocalCloud;
  let running: Promise<void> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      stateDir,
      fresh: true,
      context: {
        'streamlake:aggregateBatchingWindowSeconds': 1,
        'streamlake:archiveBatchingWindowSeconds': 1,
      },
    });
    const { aggregate, archive } = cloud.resources.mappings;
    running = cloud.runMappings(consumers.signal, {
      include: (id) => id === aggregate.id || id === archive.id,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    consumers.abort();
    await running?.catch(() => undefined);
    await browser?.close();
    await cloud?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('every event the pages created is counted once and stored once: page loads, an offline spell, a page closed right after a click', async () => {
    // Prepare
    const shopUrl = cloud.shopUrl ?? '';
    expect(shopUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const context = await (browser as Browser).newContext({ viewport: { width: 1200, height: 900 } });
    const created: TrackedEvent[] = [];
    await context.exposeBinding('streamlakeShopHook', (_source, event: TrackedEvent) => {
      created.push(event);
    });
    const page = await context.newPage();

    // Act 1: browse, add to cart and buy; every step but the filter is a real page load.
    await page.goto(shopUrl);
    await ready(page, 'home');
    await page.click('a[data-filter="shoes"]');
    await page.click('.card:not([hidden]) a.product-link');
    await ready(page, 'product');
    await page.click('button.add-to-cart');
    await page.click('a[data-element="nav-cart"]');
    await ready(page, 'cart');
    await page.click('#to-checkout');
    await ready(page, 'checkout');
    await page.click('#place-order');
    await ready(page, 'thank-you');

    // Act 2: offline, keep clicking until a send has failed; back online, the queue empties.
    await page.goto(shopUrl);
    await ready(page, 'home');
    await context.setOffline(true);
    await page.click('a[data-filter="bags"]');
    const bags = await page.locator('.card:not([hidden]) button.add-to-cart').all();
    for (const button of bags) await button.click();
    await page.click('#broken-widget');
    await page.waitForFunction(
      () => (globalThis as unknown as ShopWindow).streamlakeShop.tracker.stats().retries > 0,
      undefined,
      { timeout: WAIT_MS },
    );
    const offline = await statsOf(page);
    await context.setOffline(false);
    await page.waitForFunction(
      () => (globalThis as unknown as ShopWindow).streamlakeShop.tracker.stats().queued === 0,
      undefined,
      { timeout: WAIT_MS },
    );
    await page.click('a[data-filter=""]');
    await page.locator('#tracker-status').filter({ hasText: ', 0 queued' }).waitFor({ timeout: WAIT_MS });
    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'demo-shop.png');
    await page.screenshot({ path: screenshot, fullPage: true });

    // Act 3: a product page closed right after a click: only the pagehide beacon can carry that event.
    await page.click('.card:not([hidden]) a.product-link');
    await ready(page, 'product');
    const productPath = new URL(page.url()).pathname;
    await page.click('button.add-to-cart');
    const closed = page.waitForEvent('close', { timeout: WAIT_MS });
    await page.close({ runBeforeUnload: true });
    await closed;
    const addsToCart = () => created.filter((event) => event.schema === 'clickstream.add_to_cart');
    await eventually(() => addsToCart().length === bags.length + 2, WAIT_MS, 'the last add to cart');
    const lastAdd = addsToCart().at(-1);
    const { left, beaconedIds } = await leftBehind(context, shopUrl, productPath);
    await context.close();

    // Assess: the pages made every kind of event, the offline ones waited, the last went by beacon.
    expect(new Set(created.map((event) => event.schema))).toEqual(
      new Set([
        'clickstream.page_view',
        'clickstream.click',
        'clickstream.add_to_cart',
        'clickstream.purchase',
        'clickstream.client_error',
      ]),
    );
    expect(created.some((e) => 'page' in e && e.page === '/category/shoes')).toBe(true);
    expect(offline.queued).toBeGreaterThanOrEqual(bags.length + 2);
    expect(left).toEqual({ page: productPath, beaconed: expect.any(Number) });
    expect(left?.beaconed).toBeGreaterThan(0);
    expect(beaconedIds).toContain(lastAdd?.eventId);

    // Assess: the stream holds every created event (some more than once: beacons resent by the next page), only
    // them; each request the collector took is one batch record, its edge context once, its events as sent.
    const ids = created.map((event) => event.eventId).sort();
    const streamEvents = async () => {
      const records = await streamRecords(cloud);
      expect(records.every((r) => Object.keys(r.body).join() === 'edge,events')).toBe(true);
      return records.flatMap((r) => r.body.events as { eventId: string }[]);
    };
    const streamIds = async () => new Set((await streamEvents()).map((event) => String(event.eventId)));
    await eventually(
      async () => {
        const inStream = await streamIds();
        return ids.every((id) => inStream.has(id));
      },
      WAIT_MS,
      `${ids.length} events in the stream`,
    );
    const { aggregate, archive } = cloud.resources.mappings;
    await waitUntilProcessed(cloud, [aggregate.id, archive.id], WAIT_MS);
    const copies = await streamEvents();
    expect([...new Set(copies.map((event) => String(event.eventId)))].sort()).toEqual(ids);
    expect(copies.length).toBeGreaterThanOrEqual(ids.length);
    expect(await quarantinedRecords(cloud)).toEqual([]);

    // Assess: each event once in the lake, and the rollups exactly those of the created events.
    const lake = await Lake.open(readCloudState(stateDir));
    try {
      const stored = await lake.rows(
        'SELECT event_id, count(*) AS copies FROM clickstream GROUP BY event_id',
      );
      expect(stored.map((row) => String(row.event_id)).sort()).toEqual(ids);
      expect(stored.filter((row) => row.copies !== 1)).toEqual([]);
    } finally {
      lake.close();
    }
    const rollups = await scanRollupTable(cloud.clients.documents, cloud.resources.rollupsTable.name);
    expect(rollupDifferences(expectedRollups(created as unknown as StreamlakeEvent[]), rollups)).toEqual([]);
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });
});
