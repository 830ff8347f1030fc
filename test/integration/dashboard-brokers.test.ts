// Browser test of the broker sessions and the Zerodha panel (src/gateway/web/panels/brokers.js).
//  1. The fake gateway (paper only): the topbar says paper needs no session; no Zerodha panel.
//  2. The REAL system (production tree, gateway process, real chromium) with paper and zerodha
//     against the sandbox Kite: zerodha's session is valid with its 06:00 IST expiry and the Zerodha
//     panel is shown; when Kite refuses the session the panel says HALTED with ERR_KITE_TOKEN, while
//     paper still needs no session. Build first: npx tsc -p tsconfig.build.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { dbg, launchBrowser, openPage, until } from '../support/browser.js';
import { startFakeGateway, type FakeGateway } from '../support/fake-gateway.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { tempDir } from '../support/system.js';
import { freePort } from '../../bench/harness/net.js';
import { startLocalKite } from '../../src/kite/sandbox/local-kite.js';
import { nextKiteExpiryMs } from '../../src/domain/auth/session.js';

const TRADER = 'brokers-trader-token-0123456789';
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  await browser?.close();
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('dashboard: broker sessions and the Zerodha panel', () => {
  it('paper only (fake gateway): paper needs no session and there is no Zerodha panel', async () => {
    const gw: FakeGateway = await startFakeGateway({ signalMs: 1000 });
    cleanups.push(() => gw.close());
    browser = await launchBrowser();
    const { page, ctx, errors } = await openPage(browser, `${gw.url}/?token=trade-token`);
    contexts.push(ctx);
    await until(page, [['wsState', '==', 'open']]);
    await expect.poll(() => dbg<Record<string, string>>(page, 'brokerSessions')).toEqual({ paper: 'no session needed' });
    expect(await page.textContent('#sessions')).toBe('paper: no session needed');
    expect(await page.locator('#p-zerodha').isVisible()).toBe(false);
    expect(await dbg<boolean>(page, 'zerodhaPanel')).toBe(false);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('paper and zerodha (real system, sandbox Kite): valid session with its expiry, then HALTED when Kite refuses it', async () => {
    const kite = await startLocalKite({ seed: 'dash-brokers' });
    const stepper = setInterval(() => kite.market.step(Date.now()), 100);
    cleanups.push(() => kite.close(), () => clearInterval(stepper));
    const dir = tempDir('ap-dash-z-');
    const strategies = join(dir.path, 'strategies.yaml');
    writeFileSync(strategies, 'version: 1\nstrategies:\n  - id: live_momo\n    type: momentum\n    broker: zerodha\n    instruments: [408065]\n    params:\n      lookback_periods: 5\n      threshold: 0.001\n      position_size: 1\n');
    const port = await freePort();
    const sys: PipelineHandle & { cleanup: () => void } = await startPipeline({
      API__ENABLED: 'true',
      API__HOST: '127.0.0.1',
      API__PORT: String(port),
      API__TOKENS: JSON.stringify([{ name: 'trader', token: TRADER, scopes: ['read', 'trade'] }]),
      ...kite.env,
      STRATEGIES__FILE: strategies,
    });
    cleanups.push(dir.cleanup, () => sys.cleanup(), () => sys.stop());
    browser ??= await launchBrowser();
    const { page, ctx, errors } = await openPage(browser, `http://127.0.0.1:${port}/?token=${TRADER}`);
    contexts.push(ctx);
    await until(page, [['wsState', '==', 'open']], 20_000);
    await expect.poll(() => dbg<Record<string, string>>(page, 'brokerSessions'), { timeout: 15_000 }).toEqual({ paper: 'no session needed', zerodha: 'valid' });
    await page.locator('#p-zerodha').waitFor({ state: 'visible' });
    expect(await page.locator('#sessions [data-broker=zerodha]').textContent()).toBe('zerodha: valid');
    // The expiry shown is the session's: the next 06:00 IST after it was created
    const expiry = await page.locator('#zerodha-body tr[data-key=expiry] td:nth-child(2)').textContent();
    const at = new Date(nextKiteExpiryMs(Date.now()));
    expect(expiry).toContain(`${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}:00`);
    expect(expiry).toMatch(/\(in \d/);
    await expect.poll(() => page.locator('#zerodha-body tr[data-key=engine] td:nth-child(2)').textContent(), { timeout: 15_000 }).toBe('RUNNING');

    // Kite refuses the session (06:00 IST, or a login elsewhere): the engine halts, the panel says so
    kite.rest.faults.expireSessions();
    await expect
      .poll(() => page.locator('#zerodha-body tr[data-key=engine] td:nth-child(2)').textContent(), { timeout: 20_000 })
      .toBe('HALTED');
    expect(await page.locator('#zerodha-body tr[data-key=engine] td:nth-child(3)').textContent()).toContain('ERR_KITE_TOKEN');
    expect(await page.textContent('#zerodha-meta')).toBe('not trading');
    expect((await dbg<Record<string, string>>(page, 'brokerSessions'))['paper']).toBe('no session needed');
    await page.screenshot({ path: '/tmp/dashboard-brokers.png' });
    expect(errors).toEqual([]);
  });
});
