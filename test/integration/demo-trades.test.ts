// The default demo keeps trading: the REAL pipeline tree with the default strategies and
// instruments and the synthetic feed in short compressed sessions (every session is one trading
// day of tick time). Every default strategy fills, fills keep coming after the first session
// boundary (daily limits reset), no order is on a non-tradable instrument, and low_frequency_demo
// never tries to sell what it does not hold. Build first: npx tsc -p tsconfig.build.json.
import { afterEach, describe, expect, it } from 'vitest';
import { istDayNumber } from '../../src/domain/market-hours/index.js';
import type { Fill } from '../../src/domain/types.js';
import type { StrategyRunnerSnapshot } from '../../src/protocol/strategy-runner.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { engineFills, engineOrders, snap } from '../fixtures/pipeline-harness.js';

/** Index tokens of src/defaults/instruments.csv (registry: tradable false). */
const INDEX_TOKENS = new Set([256265, 260105]);

/** Polls `pred` every `everyMs` (reading the fill log is not free) until it holds or `timeoutMs` passes. */
async function until(pred: () => Promise<boolean>, timeoutMs: number, what: () => string, everyMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

let handle: (PipelineHandle & { cleanup: () => void }) | undefined;
afterEach(async () => {
  await handle?.stop();
  handle?.cleanup();
  handle = undefined;
});

describe('default demo', () => {
  it('fills on every default strategy and keeps filling after the first session (short sessions, fast feed)', async () => {
    handle = await startPipeline({ MARKET_FEED__TICKS_PER_SECOND: '2000', MARKET_FEED__SYNTHETIC_SESSION_MS: '4000' });
    const system = handle.system;
    const runner = await snap<StrategyRunnerSnapshot>(system, 'strategy-runner');
    const ids = runner.strategies.map((s) => s.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);

    let fills: Fill[] = [];
    const summary = (): string => {
      const days = new Set(fills.map((f) => istDayNumber(f.ts)));
      const per = ids.map((id) => `${id}=${fills.filter((f) => f.strategyId === id).length}`).join(' ');
      return `${fills.length} fills over ${days.size} session days: ${per}`;
    };
    await until(
      async () => {
        fills = await engineFills(system);
        const days = [...new Set(fills.map((f) => istDayNumber(f.ts)))].sort((a, b) => a - b);
        const first = days[0];
        // Every strategy filled, and fills exist on at least two later session days than the first
        const laterDays = first === undefined ? 0 : days.filter((d) => d > first).length;
        return ids.every((id) => fills.some((f) => f.strategyId === id)) && laterDays >= 2;
      },
      90_000,
      () => `every strategy fills and trading continues past the first session (${summary()})`,
    );
    console.log(summary());

    const orders = await engineOrders(system);
    expect(orders.filter((o) => INDEX_TOKENS.has(o.token))).toEqual([]);
    expect(fills.filter((f) => INDEX_TOKENS.has(f.token))).toEqual([]);
    // low_frequency_demo alternates BUY/SELL per instrument: no order fails for want of a position
    const noPosition = orders.filter((o) => o.strategyId === 'low_frequency_demo' && o.history.some((h) => (h.reason ?? '').startsWith('ERR_PAPER_NO_POSITION')));
    expect(noPosition).toEqual([]);
  }, 120_000);
});
