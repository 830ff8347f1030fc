// The real system for the dashboard browser tests: the production tree (synthetic feed, 24×7
// market) with the gateway on a free 127.0.0.1 port and the given tokens, plus headless Chromium.
// Pages opened through it are closed by `closePages()` (one live page at a time: open pages keep
// rendering and would starve the next test).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '../../bench/harness/net.js';
import { launchBrowser, openPage } from './browser.js';
import { startPipeline, type PipelineHandle } from './pipeline.js';

export interface DashboardToken {
  readonly name: string;
  readonly token: string;
  readonly scopes: readonly string[];
}

export interface RealDashboard {
  readonly sys: PipelineHandle & { cleanup: () => void };
  /** `http://127.0.0.1:<port>`, fixed for the run (a restarted gateway listens there again). */
  readonly base: string;
  readonly port: number;
  readonly browser: Browser;
  /** Opens `base + path`; `allowed` matches console errors the test expects. */
  open(path: string, allowed?: RegExp): Promise<{ page: Page; errors: string[] }>;
  closePages(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the tree and Chromium; `ticksPerSecond` trades more or leaves more CPU to the browser,
 * `env` adds configuration (e.g. risk limits).
 */
export async function startRealDashboard(tokens: readonly DashboardToken[], ticksPerSecond: number, env: Record<string, string> = {}): Promise<RealDashboard> {
  const port = await freePort();
  const sys = await startPipeline({
    API__ENABLED: 'true',
    API__HOST: '127.0.0.1',
    API__PORT: String(port),
    API__TOKENS: JSON.stringify(tokens),
    MARKET_FEED__MARKET_24X7: 'true',
    MARKET_FEED__TICKS_PER_SECOND: String(ticksPerSecond),
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  const browser = await launchBrowser();
  const contexts: BrowserContext[] = [];
  return {
    sys,
    base,
    port,
    browser,
    async open(path, allowed) {
      const o = await openPage(browser, `${base}${path}`, allowed);
      contexts.push(o.ctx);
      return o;
    },
    async closePages() {
      for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
    },
    async stop() {
      await browser.close();
      await sys.stop();
      sys.cleanup();
    },
  };
}
