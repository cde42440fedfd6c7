import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type DemoRun, runDemo } from '../../commands/start/run-demo.ts';
import type { LocalOps } from '../../infra/local/dashboard/local-ops.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

describe('the local ops dashboard during a short run', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'streamlake-dashboard-'));
  let browser: Browser | undefined;
  let run: DemoRun | undefined;
  afterAll(async () => {
    await browser?.close();
    await run?.cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('loads in headless chromium, charts non-zero data from every stage, shows alarms, and saves a screenshot', async () => {
    // Prepare
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`,
      );
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 2200 } });
    let checked: Promise<void> | undefined;

    // Act: the page is opened while the producers are still sending.
    run = await runDemo(
      {
        rate: 800,
        durationSeconds: 8,
        forever: false,
        seed: 5,
        devices: 20,
        poisonRate: 0.01,
        archiveWindowSeconds: 2,
        batchingWindowSeconds: 1,
        shards: 2,
        stateDir,
        fresh: true,
        basePort: 0,
        dashboardPort: 0,
      },
      new AbortController().signal,
      {
        onOpsReady: (ops: LocalOps) => {
          checked = (async () => {
            await page.goto(ops.url);
            for (const title of [
              'Events per second: into the stream, through each consumer',
              'Invocations',
              'Incoming records and bytes',
              'Records counted and archived',
              'Lake output (objects, bytes)',
            ]) {
              await page.waitForSelector(`section[data-title="${title}"][data-nonzero="true"]`, {
                timeout: 60_000,
              });
            }
          })();
        },
      },
    );
    await checked;

    // Assess
    expect(run.drained).toBe(true);
    const charts = await page.locator('section[data-kind="graph"] canvas').count();
    expect(charts).toBeGreaterThan(15);
    const alarms = await page.locator('[data-alarm]').count();
    expect(alarms).toBeGreaterThanOrEqual(10);
    const total = await page.locator('section[data-kind="number"] .number .value').first().textContent();
    expect(Number((total ?? '').replace(/,/g, ''))).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'ops-dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });
});
