// Long check (npm run test:long, not part of npm test): the demo started exactly as a newcomer
// starts it (`npm start`'s entry, every setting at its default, a fresh data dir) still trades after
// five minutes, as seen in the dashboard in a real Chromium: new fills arrive in the page during
// the sixth minute, and the REST fill log's newest fill changes meanwhile. Build first: npm run build.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime/system.js';
import { tokenWithScope } from '../../src/gateway/tokens.js';
import { dbg, launchBrowser, openPage, until } from '../support/browser.js';
import { tempDir } from '../support/system.js';
import { freePort } from '../../bench/harness/net.js';

const RUN_BEFORE_CHECK_MS = 5 * 60_000;
const WATCH_MS = 60_000;


let main: ChildProcess | undefined;
const dir = tempDir('ap-demo-long-');
afterAll(async () => {
  if (main !== undefined && main.exitCode === null) {
    main.kill('SIGTERM');
    await new Promise((r) => main!.once('exit', r));
  }
  dir.cleanup();
});

describe('the default demo', () => {
  it('still trades after five minutes, in the dashboard and in the fill log', async () => {
    const port = await freePort();
    // Only what a second instance on this machine must differ in: the data dir and the port
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', DATA_DIR: dir.path, API__PORT: String(port), LOG_FORMAT: 'json' };
    main = spawn(process.execPath, ['dist/actors/main.js'], { cwd: projectRoot(), env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    main.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const startedAt = Date.now();
    await new Promise((r) => setTimeout(r, RUN_BEFORE_CHECK_MS));
    expect(main.exitCode, `main exited early: ${stderr}`).toBeNull();

    const token = tokenWithScope([], dir.path, 'read');
    expect(token).toBeDefined();
    const newestFill = async (): Promise<string> => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/fills?broker=paper&order=desc&size=1`, { headers: { authorization: `Bearer ${token!}` } });
      expect(r.status).toBe(200);
      const items = ((await r.json()) as { data: { items: unknown[] } }).data.items;
      expect(items.length, 'the fill log is empty after five minutes').toBe(1);
      return JSON.stringify(items[0]);
    };
    const newestBefore = await newestFill();
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPage(browser, `http://127.0.0.1:${port}/?token=${token!}`);
      await until(page, [['wsState', '==', 'open'], ['ticksReceived', '>', 0]]);
      const fillsAtOpen = await dbg<number>(page, 'fills');
      const watchUntil = Date.now() + WATCH_MS;
      while (Date.now() < watchUntil && (await dbg<number>(page, 'fills')) === fillsAtOpen) await new Promise((r) => setTimeout(r, 1000));
      const fillsAfter = await dbg<number>(page, 'fills');
      expect(fillsAfter, `no fill reached the dashboard in the minute after ${((Date.now() - startedAt) / 60_000).toFixed(1)} min`).toBeGreaterThan(fillsAtOpen);
      expect(errors).toEqual([]);
      await page.screenshot({ path: '/tmp/demo-after-5-min.png' });
    } finally {
      await browser.close();
    }
    // the fill log (REST) moved on too
    expect(await newestFill()).not.toBe(newestBefore);
  });
});
