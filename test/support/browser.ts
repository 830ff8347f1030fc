// Headless Chromium for the dashboard tests (playwright-core + the Debian chromium package), and
// small page helpers shared by the fake-gateway and real-gateway dashboard tests.
// Never skips: a missing browser is a test FAILURE with instructions. `npm test` installs it or
// stops before any test runs (.ci/test-deps.mjs); this file finds it the same way that check does.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REQUIREMENTS, locate } from '../../.ci/test-deps.mjs';

const CHROMIUM = REQUIREMENTS.find((r) => r.name === 'chromium');

/** Launches headless Chromium or throws an error that says how to get it. */
export async function launchBrowser(): Promise<Browser> {
  const where = CHROMIUM === undefined ? {} : locate(CHROMIUM);
  if (where.path === undefined) {
    throw new Error(
      `Chromium not found (${where.override === undefined ? '/usr/bin/chromium nor chromium on PATH' : `CHROMIUM_PATH=${where.override}`}): ` +
        'the dashboard browser tests need it. Run `node .ci/test-deps.mjs` (installs it as root with apt-get, else prints the command), ' +
        'or set CHROMIUM_PATH to a Chromium/Chrome binary.',
    );
  }
  return chromium.launch({
    executablePath: where.path,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** An open dashboard page and the errors it logged. */
export interface OpenedPage {
  readonly ctx: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors and console errors not matched by `allowed`. */
  readonly errors: string[];
}

/**
 * Opens `url` in a fresh context (1920×1080). A refused token's 401 is logged by Chromium by design
 * and never counts; `allowed` matches further console errors the test expects.
 */
export async function openPage(browser: Browser, url: string, allowed?: RegExp): Promise<OpenedPage> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text()) && !(allowed?.test(m.text()) ?? false)) errors.push(m.text());
  });
  await page.goto(url);
  return { ctx, page, errors };
}

/** Reads `window.__dashboard[key]` (the test tsconfig has no DOM lib: globals via globalThis). */
export function dbg<T>(page: Page, key: string): Promise<T> {
  return page.evaluate((k) => (globalThis as unknown as { __dashboard: Record<string, unknown> }).__dashboard[k], key) as Promise<T>;
}

/** One condition on `window.__dashboard[key]`. */
export type Cond = readonly [key: string, op: '==' | '!=' | '>' | '>=' | 'includes', value: unknown];

/**
 * Waits until every condition holds on `window.__dashboard`. Declarative on purpose: the real
 * gateway's Content-Security-Policy forbids eval, so no predicate source string can be sent.
 */
export async function until(page: Page, conds: readonly Cond[], timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (cs) => {
      const d = (globalThis as unknown as { __dashboard?: Record<string, unknown> }).__dashboard;
      if (d === undefined) return false;
      return cs.every(([k, op, v]) => {
        const x = d[k];
        switch (op) {
          case '==':
            return x === v;
          case '!=':
            return x !== v;
          case '>':
            return typeof x === 'number' && x > (v as number);
          case '>=':
            return typeof x === 'number' && x >= (v as number);
          case 'includes':
            return Array.isArray(x) && x.includes(v);
        }
        return false;
      });
    },
    conds,
    { timeout, polling: 50 },
  );
}

/** The token the page keeps in sessionStorage. */
export function storedToken(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('alphaPanda.token'));
}
