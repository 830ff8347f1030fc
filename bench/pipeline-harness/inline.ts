// The `inline` floor of the tick-to-fill goals: the same trading step as the fused core, on the
// same bench ticks and strategies, in this thread with no ring, worker or storage in between.
// Latency = the step's handle() from its start to the fill it decides (the pure decision cost).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRunner, readStrategiesFile } from '../../src/services/strategy/load.js';
import { tradingStepBehaviour, tradingStepConfig } from '../../src/services/trading/index.js';
import type { TickMsg } from '../../src/protocol/trading.js';
import { Histogram } from '../harness/histogram.js';
import { fillBenchTick, newBenchTick } from './ticks.js';
import { BENCH_TOKENS, benchConfig, benchEnv } from './tree.js';

export interface InlineRun {
  readonly ticks: number;
  readonly fills: number;
  readonly hist: Histogram;
  /** Ticks per second through the step (wall time of the whole loop). */
  readonly ticksPerSec: number;
}

/** Runs `count` bench ticks (after `warmup` unmeasured ones) through the trading step in one thread. */
export function runInlineFloor(count: number, warmup = Math.min(20_000, count)): InlineRun {
  const dir = mkdtempSync(join(tmpdir(), 'ap-bench-inline-'));
  try {
    const config = benchConfig(benchEnv(dir, {}));
    const file = readStrategiesFile(config.strategies.file);
    const setup = file.ok ? buildRunner(file.value, ['paper']) : file;
    if (!setup.ok) throw new Error(`bench strategies: ${JSON.stringify(setup.error)}`);
    const step = tradingStepBehaviour.init(tradingStepConfig(config, 'paper', setup.value.engine.strategies(), { tickSizes: new Map(), tradable: undefined }), undefined);
    const hist = new Histogram();
    const tick = newBenchTick();
    const eventT0 = Math.floor(Date.now());
    let fills = 0;
    let t0 = 0;
    let measuring = false;
    const onOut = (out: Parameters<Parameters<typeof tradingStepBehaviour.handle>[2]>[0]): void => {
      if (out.kind !== 'venue-events') return;
      for (const e of out.events) {
        if (e.type !== 'fill') continue;
        fills++;
        if (measuring) hist.record(Math.round(performance.now() * 1e6 - t0));
      }
    };
    const total = warmup + count;
    const started = performance.now();
    let measuredFrom = started;
    for (let s = 0; s < total; s++) {
      if (s === warmup) {
        measuring = true;
        measuredFrom = performance.now();
      }
      fillBenchTick(tick, s, BENCH_TOKENS, eventT0);
      const msg: TickMsg = { kind: 'tick', tick, seq: s, ts: tick.exchangeTs, feedSeq: s };
      t0 = performance.now() * 1e6;
      tradingStepBehaviour.handle(step, msg, onOut);
    }
    const seconds = (performance.now() - measuredFrom) / 1000;
    return { ticks: count, fills, hist, ticksPerSec: count / seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
