import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardServer, startDashboardServer } from '../../infra/local/dashboard/dashboard-server.ts';

// Loopback only: the server under test is this process's own.
describe('the dashboard server', () => {
  let server: DashboardServer;
  beforeAll(async () => {
    server = await startDashboardServer(0, () => ({ title: 'snapshot' }));
  });
  afterAll(() => server.stop());

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page, its script, uPlot, and the snapshot as JSON', async () => {
    const page = await fetch(server.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/vendor/uplot.js');
    const uplot = await fetch(new URL('/vendor/uplot.js', server.url));
    expect((await uplot.text()).length).toBeGreaterThan(10_000);
    const snapshot = await fetch(new URL('/api/snapshot', server.url));
    expect(await snapshot.json()).toEqual({ title: 'snapshot' });
  });

  it('answers any other path with 404 and any other method with 405', async () => {
    expect((await fetch(new URL('/../package.json', server.url))).status).toBe(404);
    expect((await fetch(new URL('/etc/passwd', server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('names the port and the option when the port is taken', async () => {
    const port = Number(new URL(server.url).port);
    await expect(startDashboardServer(port, () => ({}))).rejects.toThrow(
      `the dashboard port 127.0.0.1:${port} is in use: stop what holds it or pass --dashboard-port`,
    );
  });
});
