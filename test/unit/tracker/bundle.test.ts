import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent } from '../../../schemas/index.ts';
import { bundleTracker, SIZE_BUDGET_BYTES, type TrackerBuild } from '../../../tracker/bundle.ts';
import type { Tracker, TrackerOptions } from '../../../tracker/src/index.ts';
import { FakeStorage, FakeWindow, fakeBeacon, fakeCollector } from './fake-browser.ts';

let builds: Map<string, TrackerBuild>;
const build = (fileName: string): TrackerBuild => {
  const found = builds.get(fileName);
  if (!found) throw new Error(`no build named ${fileName}; built: ${[...builds.keys()].join(', ')}`);
  return found;
};

describe('the tracker’s builds', () => {
  let dir: string;
  beforeAll(async () => {
    builds = new Map((await bundleTracker()).map((file) => [file.fileName, file]));
    dir = await mkdtemp(join(tmpdir(), 'streamlake-tracker-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`each weighs at most ${SIZE_BUDGET_BYTES} bytes minified and gzipped, and ships no validator`, () => {
    for (const file of builds.values()) {
      expect(file.gzippedBytes, file.fileName).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
      expect(file.gzippedBytes, file.fileName).toBeLessThan(file.minifiedBytes);
      expect(file.text, file.fileName).not.toMatch(/TypeBox|TypeCompiler|@sinclair/);
    }
  });

  it('the classic script defines the global streamlake, and on a page with only browser globals tracks and beacons', async () => {
    // Prepare: a page whose globals are the browser's: the tracker must find fetch, localStorage and sendBeacon.
    const page = new FakeWindow();
    const collector = fakeCollector();
    const beacon = fakeBeacon();
    const globals = Object.assign(page, {
      fetch: collector.fetch,
      localStorage: new FakeStorage(),
      navigator: { onLine: true, sendBeacon: beacon.send },
      crypto,
      TextEncoder,
      Blob,
      setTimeout,
      clearTimeout,
    });
    const context = vm.createContext(globals);
    // Act
    vm.runInContext(build('streamlake-tracker.js').text, context);
    const { createTracker } = (
      globals as unknown as { streamlake: { createTracker(o: TrackerOptions): Tracker } }
    ).streamlake;
    const tracker = createTracker({ collectorUrl: 'https://collect.test/v1/events' });
    tracker.click({ element: 'buy' });
    await tracker.flush();
    tracker.addToCart({ productId: 'p-1', quantity: 1, price: 5 });
    page.dispatch('pagehide');
    // Assess
    const fetched = collector.requests.flatMap((request) => request.events);
    const beaconed = await beacon.events();
    expect([...fetched, ...beaconed].map((event) => event.schema)).toEqual([
      'clickstream.page_view',
      'clickstream.click',
      'clickstream.add_to_cart',
    ]);
    expect([...fetched, ...beaconed].every((event) => validateEvent(event).ok)).toBe(true);
    expect(globals.localStorage.queues()).toHaveLength(1);
  });

  it('the ES module exports createTracker', async () => {
    // Prepare
    const file = join(dir, 'streamlake-tracker.mjs');
    await writeFile(file, build('streamlake-tracker.mjs').text);
    const collector = fakeCollector();
    // Act
    const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as {
      createTracker(o: TrackerOptions): Tracker;
    };
    const tracker = module.createTracker({
      collectorUrl: 'https://collect.test/v1/events',
      window: new FakeWindow(),
      storage: new FakeStorage(),
      fetch: collector.fetch,
    });
    await tracker.flush();
    // Assess
    expect(collector.types()).toEqual(['clickstream.page_view']);
    tracker.stop();
  });
});
