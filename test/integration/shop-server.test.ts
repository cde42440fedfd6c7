import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalCloud } from '../../infra/local/local-cloud.ts';
import { assertPortFree, freePort } from '../../infra/local/servers/ports.ts';
import { startShop } from '../../infra/local/shop/shop-server.ts';
import { TRACKER_CACHE_CONTROL } from '../../tracker/hosting.ts';
import { sampleEvents } from './support/events.ts';

/** An origin the caller lists itself: the shop's is merged with it, not put in its place. */
const OTHER_SITE = 'https://shop.example';

describe('the demo shop the local cloud serves beside its collector', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-shop-server-'));
  let cloud: LocalCloud;
  let shop: string;
  let origin: string;
  const at = (path: string, init?: RequestInit) => fetch(new URL(path, shop), init);

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      stateDir,
      fresh: true,
      context: { 'streamlake:collectorAllowedOrigins': OTHER_SITE },
    });
    shop = cloud.shopUrl ?? '';
    origin = new URL(shop).origin;
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('is on 127.0.0.1 and named in cloud.json beside the collector', () => {
    expect(shop).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const saved = JSON.parse(readFileSync(join(stateDir, 'cloud.json'), 'utf8'));
    expect(saved).toMatchObject({ shop, collector: cloud.collectorUrl });
  });

  it('serves its pages, and the tracker from the import map’s versioned path with a year’s immutable caching', async () => {
    // Act
    const home = await at('/');
    const html = await home.text();
    const modulePath = /"streamlake-tracker":"([^"]+)"/.exec(html)?.[1] ?? '';
    const tracker = await at(modulePath);
    const classic = await at(modulePath.replace(/\.mjs$/, '.js'));
    const head = await at(modulePath, { method: 'HEAD' });

    // Assess
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain(`content="${cloud.collectorUrl}"`);
    expect(modulePath).toMatch(/^\/tracker\/[0-9a-f]{12}\/streamlake-tracker\.mjs$/);
    expect(tracker.status).toBe(200);
    expect(tracker.headers.get('cache-control')).toBe(TRACKER_CACHE_CONTROL);
    expect(tracker.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await tracker.text()).toContain('createTracker');
    expect(classic.status).toBe(200);
    expect(await classic.text()).toContain('var streamlake=');
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
    expect(await head.text()).toBe('');
  });

  it('answers any other path with 404 and any method but GET and HEAD with 405', async () => {
    // Act
    const answers = await Promise.all([
      at('/../package.json'),
      at('/product/p-999'),
      at('/tracker/000000000000/streamlake-tracker.mjs'),
      at('/', { method: 'POST', body: '{}' }),
      at('/cart', { method: 'DELETE' }),
    ]);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 405, 405]);
    expect(answers[3]?.headers.get('allow')).toBe('GET, HEAD');
  });

  it('is an origin the collector accepts with no key: preflight and POST answered with its Access-Control-Allow-Origin', async () => {
    // Prepare
    const collector = cloud.collectorUrl ?? '';
    const events = sampleEvents(4).filter((event) => event.schema.startsWith('clickstream.'));

    // Act
    const preflight = await fetch(collector, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
    });
    const posted = await fetch(collector, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'text/plain' },
      body: JSON.stringify(events),
    });
    const fromOtherSite = await fetch(collector, {
      method: 'POST',
      headers: { Origin: OTHER_SITE, 'Content-Type': 'text/plain' },
      body: JSON.stringify(events.slice(0, 1)),
    });
    const stranger = await fetch(collector, {
      method: 'POST',
      headers: { Origin: 'http://127.0.0.1:1', 'Content-Type': 'text/plain' },
      body: JSON.stringify(events.slice(0, 1)),
    });

    // Assess
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(posted.status).toBe(200);
    expect(posted.headers.get('access-control-allow-origin')).toBe(origin);
    expect(await posted.json()).toEqual({ refused: [] });
    expect(fromOtherSite.status).toBe(200);
    expect(fromOtherSite.headers.get('access-control-allow-origin')).toBe(OTHER_SITE);
    expect(stranger.status).toBe(403);
  });
});

describe('the demo shop’s port', () => {
  let blocker: Server | undefined;
  afterEach(() => {
    blocker?.close();
    blocker = undefined;
  });

  const servicePortsFreeBelow = async (port: number) => {
    const free = await Promise.all(
      [5, 4, 3, 2].map((below) =>
        assertPortFree(port - below, 'a probe').then(
          () => true,
          () => false,
        ),
      ),
    );
    return free.every(Boolean);
  };

  /** A port we hold, so the shop cannot have it. */
  const heldPort = async (): Promise<number> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await freePort();
      const candidate = createServer();
      const held = await new Promise<boolean>((resolve) => {
        candidate.once('error', () => resolve(false));
        candidate.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (held) {
        blocker = candidate;
        return port;
      }
    }
    throw new Error('could not hold a free port in 20 tries');
  };

  it('taken at base + 5: the local cloud refuses to start before anything is touched, naming the shop', async () => {
    // Prepare: the four service ports below it are free (checked in service order, they would be named first).
    let port = await heldPort();
    for (let attempt = 0; attempt < 20 && !(await servicePortsFreeBelow(port)); attempt++) {
      blocker?.close();
      port = await heldPort();
    }

    // Act + Assess
    await expect(LocalCloud.start({ basePort: port - 5 })).rejects.toThrow(
      new RegExp(`port ${port} for the demo shop is already in use on 127\\.0\\.0\\.1.*--base-port`),
    );
  });

  it('taken: the shop says which port and what to do', async () => {
    const port = await heldPort();
    await expect(startShop({ port, collectorUrl: 'http://127.0.0.1:1/prod/v1/events' })).rejects.toThrow(
      `port ${port} for the demo shop is already in use on 127.0.0.1: stop whatever holds it (another npm start?) or pass --base-port`,
    );
  });
});
