// The split topology's cuts (src/services/strategy/cuts.ts) under crashes inside one process: a
// replay at max pace through strategy runner → trading core, with the strategy runner killed from
// outside (terminate) and later the trading core exiting, each mid-stream at a seeded moment (seed
// printed). The runner restores the cut its core's last completed checkpoint names and regenerates
// the signals after it with the same ordinals; the core skips those it handled, and a restarted
// core re-reads every input its last checkpoint did not cover. The fill log must end identical,
// field by field, to an uninterrupted run of the same file, with a clean fill set on the way.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../src/domain/instruments/index.js';
import type { Fill } from '../../src/domain/types.js';
import { runPipelineReplay } from '../../bench/replay-pipeline.js';
import { CLEAN_FILL_SET, fillSetChecker, orderChecker, positionReplayChecker, readStoreAt } from '../support/checkers.js';
import { startPipeline, type PipelineHandle } from '../support/pipeline.js';
import { eventually, tempDir } from '../support/system.js';
import { actorStatus, snap, testRng, writeReplayFile } from '../fixtures/pipeline-harness.js';

const TICKS = 30_000;
const ENV = { RISK__MAX_DAILY_TRADES: '100000', RISK__MAX_POSITION: '40', RUNTIME__TOPOLOGY: 'split' };
const CORE = 'trading-core-paper';

const cleanups: (() => void)[] = [];
let handle: PipelineHandle | undefined;
afterEach(async () => {
  await handle?.stop();
  handle = undefined;
  for (const c of cleanups.splice(0)) c();
});

const essence = (f: Fill): string => [f.fillSeq, f.tradeId, f.orderId, f.strategyId, f.token, f.side, f.quantity, f.price, f.fees, f.ts].join(' ');

interface CoreSnap {
  readonly ticks: number;
  readonly feed: { readonly nextFeedSeq: number };
  readonly replayed: number;
  readonly commits: { readonly lastFillSeq: number };
  readonly runner: { readonly cut: number | null; readonly lastSigSeq: number };
}

describe('split topology: the strategy runner and the trading core crash mid-replay', () => {
  it('ends with the fill log of an uninterrupted run', async () => {
    const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
    console.log('seed', seed);
    const rng = testRng(seed);
    const dir = tempDir('ap-split-cuts-');
    cleanups.push(dir.cleanup);
    const file = join(dir.path, 'ticks.jsonl');
    writeReplayFile(file, DEFAULT_INSTRUMENT_TOKENS, TICKS, 100, 'split-cuts');
    const reference = await runPipelineReplay(file, TICKS, ENV, () => undefined);
    expect(reference.topology).toBe('split');
    expect(reference.restarts).toBe(0);
    expect(reference.fills.length).toBeGreaterThan(20);

    const p = await startPipeline(
      {
        ...ENV,
        MARKET_FEED__SOURCE: 'replay',
        MARKET_FEED__REPLAY_FILE: file,
        MARKET_FEED__REPLAY_PACE: 'max',
        RUNTIME__RESTART__MAX_RESTARTS: '10',
        RUNTIME__RESTART__PERIOD_MS: '60000',
      },
      { faultInjection: true, dataDir: join(dir.path, 'data') },
    );
    handle = p;
    const s = p.system;
    const core = (): Promise<CoreSnap> => snap<CoreSnap>(s, CORE);
    // Each crash once the core is past a point of the file (seeded jitter), all before its end
    const crash = async (name: string, how: 'terminate' | 'exit', fraction: number): Promise<void> => {
      const gen = actorStatus(s, name).gen;
      const at = Math.floor(TICKS * (fraction + rng() * 0.1));
      await eventually(async () => (await core()).feed.nextFeedSeq >= at, 60_000, `core at tick ${at} before crashing ${name}`);
      const victim = s.actor(name)!;
      if (how === 'terminate') await victim.terminate();
      else await victim.control()!.inject('exit');
      await eventually(() => actorStatus(s, name).gen > gen && actorStatus(s, name).state === 'running', 30_000, `${name} back after ${how}`);
      console.log(`${name} (${how}) at tick ~${at} restarted; core at ${JSON.stringify((await core()).runner)}`);
    };
    await crash('strategy-runner', 'terminate', 0.1);
    // The restarted runner regenerated signals the core had handled: the core skipped them
    await eventually(async () => (await core()).replayed > 0, 30_000, 'regenerated signals skipped');
    await crash(CORE, 'exit', 0.35);
    await crash('strategy-runner', 'terminate', 0.6);

    // The rest of the file, then quiet: every tick consumed and the fill log still
    let last = '';
    let stable = 0;
    await eventually(
      async () => {
        const c = await core();
        const key = `${c.commits.lastFillSeq}/${c.runner.lastSigSeq}`;
        stable = key === last && c.commits.lastFillSeq >= reference.fills[reference.fills.length - 1]!.fillSeq ? stable + 1 : 0;
        last = key;
        if (stable < 4) await new Promise((r) => setTimeout(r, 250));
        return stable >= 4;
      },
      120_000,
      'replay finished',
    );
    await p.stop();
    handle = undefined;
    const dump = await readStoreAt(p.config.store.path ?? join(p.dataDir, 'lmdb'));
    expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
    expect(orderChecker(dump.orders)).toEqual([]);
    const r = positionReplayChecker(dump, { startingCash: 100_000_000 });
    expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
    const first = dump.fills.findIndex((f, i) => essence(f) !== (reference.fills[i] === undefined ? '' : essence(reference.fills[i]!)));
    if (first >= 0) console.log(`first difference at fill ${first} of ${dump.fills.length} / ${reference.fills.length}:\n  got  ${essence(dump.fills[first]!)}\n  want ${reference.fills[first] === undefined ? '-' : essence(reference.fills[first]!)}`);
    expect(dump.fills.map(essence)).toEqual(reference.fills.map(essence));
    expect(dump.orders.length).toBe(reference.orders.size);
  }, 300_000);
});
