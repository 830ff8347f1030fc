// Browser test of the dashboard (src/gateway/web) against the fake gateway (test/support/fake-gateway.ts,
// same REST/WS contract as gateway.md): auth (bad token rejected visibly, token stripped from the URL),
// live ticks, equity chart points, actor health, tree state, kill switch (trade scope only, confirm
// dialog), instrument picker, reconnect after the gateway drops every socket. Screenshot: /tmp/dashboard.png.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { dbg, launchBrowser, openPage, storedToken, until } from '../support/browser.js';
import { startFakeGateway, type FakeGateway } from '../support/fake-gateway.js';

let gw: FakeGateway;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** Opens the dashboard; `allowed` matches console errors that are expected in that test. */
async function open(path: string, allowed?: RegExp): Promise<{ page: Page; errors: string[] }> {
  const o = await openPage(browser, `${gw.url}${path}`, allowed);
  contexts.push(o.ctx);
  return o;
}

async function liveWithTrade(allowed?: RegExp): Promise<{ page: Page; errors: string[] }> {
  const o = await open('/?token=trade-token', allowed);
  await until(o.page, [['wsState', '==', 'open'], ['scopes', 'includes', 'trade'], ['ticksReceived', '>', 0]]);
  return o;
}

describe('dashboard (fake gateway)', () => {
  beforeAll(async () => {
    gw = await startFakeGateway({ signalMs: 350 });
    browser = await launchBrowser();
  });
  afterEach(async () => {
    // One live page at a time: open pages keep rendering and would starve the next test
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('rejects a bad token visibly, then accepts a read-only token from the login box', async () => {
    const { page, errors } = await open('/?token=not-a-token');
    await page.locator('#login').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#login-error').textContent()).toMatch(/rejected/i);
    expect(page.url()).not.toContain('token=');
    expect(await dbg<boolean>(page, 'authenticated')).toBe(false);
    expect(await dbg<number>(page, 'ticksReceived')).toBe(0);

    await page.fill('#login-token', 'read-token');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login').waitFor({ state: 'hidden' });
    await until(page, [['authenticated', '==', true], ['wsState', '==', 'open'], ['scopes', 'includes', 'read']]);
    expect(await dbg<string[]>(page, 'scopes')).toEqual(['read']);
    // Read-only: the kill switch is visible but disabled, and says why
    const kill = page.locator('#kill-btn');
    expect(await kill.isVisible()).toBe(true);
    expect(await kill.isDisabled()).toBe(true);
    expect(await kill.getAttribute('title')).toMatch(/trade scope/);
    expect(await page.locator('#flatten-btn').isDisabled()).toBe(true);
    expect(await storedToken(page)).toBe('read-token');

    // Logout forgets the token and closes the stream
    await page.click('#logout');
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await storedToken(page)).toBe(null);
    await until(page, [['wsState', '==', 'stopped'], ['authenticated', '==', false]]);
    expect(errors).toEqual([]);
  });

  it('streams live ticks, equity points, positions, signals and actor health', async () => {
    const { page, errors } = await liveWithTrade();
    expect(page.url()).not.toContain('token=');
    expect(await storedToken(page)).toBe('trade-token');
    expect(await page.textContent('#conn-text')).toBe('LIVE');

    // Ticks table: a row per watchlist instrument, and an LTP cell whose text changes live
    await page.locator('#ticks-body tr[data-key="256265"]').waitFor();
    expect(await page.locator('#ticks-body tr[data-key]').count()).toBeGreaterThanOrEqual(10);
    const ltpCells = page.locator('#ticks-body tr[data-key] td:nth-child(2)');
    await expect.poll(async () => (await ltpCells.allTextContents()).filter((t) => /^[\d,]+\.\d{2}$/.test(t)).length).toBeGreaterThan(5);
    const before = await ltpCells.allTextContents();
    await expect.poll(async () => (await ltpCells.allTextContents()).some((t, i) => t !== before[i]), { timeout: 5000 }).toBe(true);
    expect(await dbg<number>(page, 'tickCellChanges')).toBeGreaterThan(0);
    expect(await page.textContent('#ticks-body tr[data-key="738561"] td:first-child')).toContain('RELIANCE');

    // Equity chart: REST history plus live points from pnl snapshots
    await until(page, [['equityPoints', '>=', 2], ['equityLivePoints', '>=', 2]]);
    expect(await page.locator('#equity-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.textContent('#kpis')).toMatch(/Equity\s*[\d,]+\.\d{2}/);

    // Health: every actor of the tree, tree state in the header
    await until(page, [['healthRows', '>=', 5]]);
    const actors = await page.locator('#health-body td:first-child').allTextContents();
    expect(actors.map((a) => a.trim())).toEqual(expect.arrayContaining(['portfolio-manager', 'risk-manager', 'market-feed']));
    expect(await page.textContent('#tree-state')).toBe('RUNNING');
    expect(await page.textContent('#run-id')).toBe('run-20250114-0915');

    // Trading panels: positions with Indian-grouped money, signals, fills, orders, pipeline
    await until(page, [['positions', '>', 0], ['signals', '>', 0], ['fills', '>', 0], ['pipelineBrokers', '>', 0]]);
    // Panels render on their own cadence (≤ 250 ms): poll the DOM rather than read it once
    await expect.poll(() => page.locator('#positions-body tr[data-key]').count()).toBeGreaterThan(0);
    expect(await page.textContent('#kpis')).toMatch(/Equity\s*\d{1,2},\d{2},\d{3}\.\d{2}/);
    await expect.poll(() => page.locator('#signals-body tr[data-key]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#fills-body tr[data-key]').count()).toBeGreaterThan(0);
    expect(await page.textContent('#pipeline-body')).toContain('Ticks');

    const kill = page.locator('#kill-btn');
    expect(await kill.isEnabled()).toBe(true);
    // A few seconds of activity so the screenshot shows a working desk
    await until(page, [['signals', '>=', 24]]);
    await page.screenshot({ path: '/tmp/dashboard.png' });
    expect(errors).toEqual([]);
  });

  it('engages the kill switch only after confirmation', async () => {
    const { page, errors } = await liveWithTrade();
    await page.click('#kill-btn');
    await page.locator('#confirm').waitFor({ state: 'visible' });
    await page.click('#confirm-cancel');
    await page.locator('#confirm').waitFor({ state: 'hidden' });
    expect(gw.killSwitch().engaged).toBe(false);

    await page.click('#kill-btn');
    await page.fill('#confirm-reason', 'test halt');
    await page.screenshot({ path: '/tmp/dashboard-confirm.png' });
    await page.click('#confirm-ok');
    await page.locator('#kill-state').waitFor({ state: 'visible' });
    expect(gw.killSwitch()).toEqual({ engaged: true, reason: 'test halt' });
    expect(await page.textContent('#kill-btn')).toBe('RELEASE KILL');
    // Release again so other tests see a normal system
    await page.click('#kill-btn');
    await page.click('#confirm-ok');
    await page.locator('#kill-state').waitFor({ state: 'hidden' });
    expect(gw.killSwitch().engaged).toBe(false);
    expect(errors).toEqual([]);
  });

  it('flattens only after confirmation, and says what it did', async () => {
    const { page, errors } = await liveWithTrade();
    const flat = page.locator('#flatten-btn');
    expect(await flat.isEnabled()).toBe(true);
    await flat.click();
    await page.locator('#confirm').waitFor({ state: 'visible' });
    expect(await page.textContent('#confirm-title')).toMatch(/Flatten/);
    expect(await page.locator('#confirm-reason').isHidden()).toBe(true);
    await page.click('#confirm-cancel');
    await page.locator('#confirm').waitFor({ state: 'hidden' });
    expect(gw.flattens()).toEqual([]);

    await flat.click();
    await page.click('#confirm-ok');
    await page.locator('#confirm').waitFor({ state: 'hidden' });
    expect(gw.flattens()).toEqual([{ confirm: true }]);
    await expect.poll(() => page.locator('#toasts').textContent()).toMatch(/1 closing order, 1 resting order canceled/);
    // The kill switch dialog shows its reason field again
    await page.click('#kill-btn');
    expect(await page.locator('#confirm-reason').isVisible()).toBe(true);
    await page.click('#confirm-cancel');
    expect(errors).toEqual([]);
  });

  it('removes and re-adds an instrument with the picker', async () => {
    const { page, errors } = await liveWithTrade();
    const row = page.locator('#ticks-body tr[data-key="81153"]');
    await row.waitFor();
    await row.hover();
    await row.locator('button.x').click();
    await row.waitFor({ state: 'detached' });
    expect(await dbg<number[]>(page, 'watchlist')).not.toContain(81153);

    await page.fill('#picker-input', 'tcs');
    await page.locator('#picker-results li', { hasText: 'TCS' }).first().waitFor();
    await page.press('#picker-input', 'Enter');
    await row.waitFor();
    expect(await dbg<number[]>(page, 'watchlist')).toContain(81153);
    await expect.poll(() => row.locator('td:nth-child(2)').textContent()).toMatch(/^[\d,]+\.\d{2}$/);
    expect(errors).toEqual([]);
  });

  it('shows the outage and reconnects when the gateway drops every socket', async () => {
    // While the gateway refuses upgrades Chromium logs each failed handshake: expected here
    const { page, errors } = await liveWithTrade(/WebSocket connection to .* failed/);
    const connects = await dbg<number>(page, 'wsConnects');
    gw.dropSockets(1500);
    await until(page, [['wsState', '==', 'reconnecting']]);
    // The next attempt may already be under way on a busy machine (CONNECTING · #n): either way the
    // outage is shown, never LIVE, until the gateway accepts again
    expect(await page.textContent('#conn-text')).toMatch(/RECONNECTING|CONNECTING · #\d+/);
    expect(await page.isVisible('#banner')).toBe(true);
    await until(page, [['wsState', '==', 'open'], ['wsConnects', '>', connects]], 20_000);
    const ticks = await dbg<number>(page, 'ticksReceived');
    await until(page, [['ticksReceived', '>', ticks]]);
    expect(await page.textContent('#conn-text')).toBe('LIVE');
    expect(await page.isVisible('#banner')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('shows a HALTED tree in red', async () => {
    const { page, errors } = await liveWithTrade();
    gw.setTreeState('halted');
    try {
      await until(page, [['treeState', '==', 'HALTED']]);
      const badge = page.locator('#tree-state');
      expect(await badge.textContent()).toBe('HALTED: trading_sup');
      const bg = await badge.evaluate((e) => (globalThis as unknown as { getComputedStyle(x: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor);
      const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
      expect(r).toBeGreaterThan(180);
      expect(g ?? 255).toBeLessThan(120);
      expect(b ?? 255).toBeLessThan(140);
      await page.screenshot({ path: '/tmp/dashboard-halted.png' });
    } finally {
      gw.setTreeState('running');
    }
    expect(errors).toEqual([]);
  });
});
