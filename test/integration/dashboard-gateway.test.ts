// Browser test of the dashboard against the REAL system: the production tree (actors/tree.ts via
// test/support/pipeline.ts) with the synthetic market feed, real strategies, risk, paper engine,
// portfolio manager, pipeline monitor and the gateway OS process serving src/gateway/web. Covers auth
// (bad token, read-only token), live ticks, equity points from LMDB and pnl events, actor health,
// the kill switch end to end (risk rejections appear in the feed), and reconnect after the gateway
// process is killed and restarted by its supervisor. Screenshot: /tmp/dashboard-real.png.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dbg, storedToken, until } from '../support/browser.js';
import { startRealDashboard, type RealDashboard } from '../support/real-dashboard.js';

const TRADER = 'dash-trader-token-0123456789';
const READER = 'dash-reader-token-0123456789';

let dash: RealDashboard;
let base: string;

function open(path: string, allowed?: RegExp): Promise<{ page: Page; errors: string[] }> {
  return dash.open(path, allowed);
}

async function liveTrader(allowed?: RegExp): Promise<{ page: Page; errors: string[] }> {
  const o = await open(`/?token=${TRADER}`, allowed);
  await until(o.page, [['wsState', '==', 'open'], ['scopes', 'includes', 'trade'], ['ticksReceived', '>', 0]], 20_000);
  return o;
}

async function gatewayCall(command: string): Promise<unknown> {
  const gw = dash.sys.system.process('gateway');
  if (gw === undefined) throw new Error('the tree has no gateway process');
  return gw.call(command, null);
}

describe('dashboard (real gateway and pipeline)', () => {
  beforeAll(async () => {
    dash = await startRealDashboard(
      [
        { name: 'trader', token: TRADER, scopes: ['read', 'trade'] },
        { name: 'reader', token: READER, scopes: ['read'] },
      ],
      // Enough flow for trades within seconds, little enough to leave CPU for Chromium
      60,
    );
    // The port is fixed for the whole test so a restarted gateway listens where the page expects
    const addr = (await gatewayCall('address')) as { port: number };
    expect(addr.port).toBe(dash.port);
    base = dash.base;
  }, 60_000);
  afterEach(() => dash.closePages());
  afterAll(async () => {
    await dash?.stop();
  });

  it('rejects a bad token and disables the kill switch for a read-only token', async () => {
    const { page, errors } = await open('/?token=wrong-token-wrong-token');
    await page.locator('#login').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#login-error').textContent()).toMatch(/rejected/i);
    expect(page.url()).not.toContain('token=');
    await page.fill('#login-token', READER);
    await page.click('#login-form button[type=submit]');
    await until(page, [['authenticated', '==', true], ['wsState', '==', 'open'], ['scopes', 'includes', 'read']], 20_000);
    expect(await dbg<string[]>(page, 'scopes')).toEqual(['read']);
    expect(await page.locator('#kill-btn').isDisabled()).toBe(true);
    expect(await storedToken(page)).toBe(READER);
    expect(errors).toEqual([]);
  });

  it('shows live ticks, the equity curve, positions, fills and every actor', async () => {
    const { page, errors } = await liveTrader();
    expect(page.url()).not.toContain('token=');
    // The watchlist is the registry's default instruments; an LTP cell changes live
    await page.locator('#ticks-body tr[data-key="738561"]').waitFor();
    const ltp = page.locator('#ticks-body tr[data-key] td:nth-child(2)');
    await expect.poll(async () => (await ltp.allTextContents()).filter((t) => /^[\d,]+\.\d{2}$/.test(t)).length, { timeout: 15_000 }).toBeGreaterThan(5);
    const before = await ltp.allTextContents();
    await expect.poll(async () => (await ltp.allTextContents()).some((t, i) => t !== before[i]), { timeout: 15_000 }).toBe(true);
    expect(await page.textContent('#ticks-body tr[data-key="738561"] td:first-child')).toContain('RELIANCE');

    // Equity: LMDB history plus live points summed from {b}.pnl.snapshots
    await until(page, [['equityPoints', '>=', 2], ['equityLivePoints', '>=', 1]], 30_000);
    expect(await page.textContent('#kpis')).toMatch(/Equity\s*[\d,]+\.\d{2}/);

    // Health: the real tree, flattened by the gateway's status view
    await until(page, [['healthRows', '>=', 8]], 15_000);
    const names = (await page.locator('#health-body td:first-child').allTextContents()).map((t) => t.replace(/^[\s▾]+/, '').trim());
    expect(names).toEqual(expect.arrayContaining(['portfolio-manager', 'trading-core-paper', 'market-feed', 'strategy-runner', 'gateway']));
    expect(await page.textContent('#tree-state')).toBe('RUNNING');
    const status = (await (await fetch(`${base}/api/v1/status`, { headers: { Authorization: `Bearer ${TRADER}` } })).json()) as { data: { runId: string } };
    expect(await page.textContent('#run-id')).toBe(status.data.runId);

    // The strategies trade within seconds: positions, fills, signals and the pipeline monitor show up
    await until(page, [['positions', '>', 0], ['fills', '>', 0], ['signals', '>', 0], ['pipelineBrokers', '>', 0]], 30_000);
    await expect.poll(() => page.locator('#fills-body tr[data-key]').count()).toBeGreaterThan(0);
    expect(await page.textContent('#pipeline-body')).toMatch(/paper/i);
    expect(await page.locator('#kill-btn').isEnabled()).toBe(true);
    // A few seconds of curve (one point per second) so the screenshot shows a working desk
    await until(page, [['equityPoints', '>=', 6]], 30_000);
    await page.screenshot({ path: '/tmp/dashboard-real.png' });
    expect(errors).toEqual([]);
  });

  it('engages the kill switch end to end: the risk manager rejects signals with the reason shown', async () => {
    const { page, errors } = await liveTrader();
    await page.click('#kill-btn');
    await page.locator('#confirm').waitFor({ state: 'visible' });
    await page.fill('#confirm-reason', 'dashboard e2e halt');
    await page.click('#confirm-ok');
    try {
      await page.locator('#kill-state').waitFor({ state: 'visible' });
      await expect.poll(() => page.locator('#signals-body tr.detail').allTextContents(), { timeout: 30_000 }).toEqual(
        expect.arrayContaining([expect.stringMatching(/KillSwitch/)]),
      );
    } finally {
      await page.click('#kill-btn');
      await page.locator('#confirm').waitFor({ state: 'visible' });
      await page.click('#confirm-ok');
    }
    await page.locator('#kill-state').waitFor({ state: 'hidden' });
    expect(errors).toEqual([]);
  });

  it('reconnects after the gateway process is killed and restarted by its supervisor', async () => {
    // Chromium logs each refused handshake while the gateway is down: expected here
    const { page, errors } = await liveTrader(/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|Failed to load resource/);
    const connects = await dbg<number>(page, 'wsConnects');
    const before = (await gatewayCall('info')) as { pid: number; gen: number };
    process.kill(before.pid, 'SIGKILL');
    await until(page, [['wsState', '!=', 'open']], 15_000);
    await until(page, [['wsState', '==', 'open'], ['wsConnects', '>', connects]], 45_000);
    const after = (await gatewayCall('info')) as { pid: number; gen: number };
    expect(after.pid).not.toBe(before.pid);
    const ticks = await dbg<number>(page, 'ticksReceived');
    await until(page, [['ticksReceived', '>', ticks]], 15_000);
    expect(await page.textContent('#conn-text')).toBe('LIVE');
    expect(errors).toEqual([]);
  });
});
