// Strategy runner with real workers: a fixture tick source → strategy-runner → a sink on
// paper.signals.raw, over a temp LMDB. Build first: npx tsc -p tsconfig.build.json
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppConfigSchema } from '../../src/config.js';
import { clockMs, istMidnightMs } from '../../src/domain/market-hours/index.js';
import type { TradingSignal } from '../../src/domain/types.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { StrategyInfo, StrategyRunnerSnapshot } from '../../src/protocol/strategy-runner.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import type { FixtureTick } from '../fixtures/tick-source.actor.js';
import { eventually, makeSystem, sup, tempDir } from '../support/system.js';
import { writeStored } from '../support/market-feed.js';
import { K } from '../../src/store/keyspace.js';

const RUNNER = 'dist/actors/strategy-runner.actor.js';
const SOURCE = 'dist/test/fixtures/tick-source.actor.js';
const RELAY = 'dist/test/fixtures/relay.actor.js';

let system: ActorSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await system?.stop();
  system = undefined;
  for (const c of cleanups.splice(0)) c();
});

const GOOD = `version: 1
strategies:
  - id: mom
    type: momentum
    broker: paper
    instruments: [100]
    params: { lookback_periods: 3, threshold: 0.01, position_size: 5 }
  - id: lf
    type: low_frequency_demo
    instruments: [100, 101]
    params: { min_interval_seconds: 60 }
  - id: live_only
    type: momentum
    broker: zerodha
    instruments: [100]
`;

/** Friday 2025-01-24 10:00 IST: inside the regular session. */
const OPEN = istMidnightMs(2025, 1, 24) + clockMs(10, 0);

function tree(): ReturnType<typeof sup> {
  const node = (name: string, module: string, extra: Partial<ActorSpec>): ActorSpec => ({
    kind: 'actor', name, module, restart: 'permanent', publishes: [], subscribes: [], ...extra,
  });
  return sup(
    'root',
    [
      node('sink', RELAY, { args: { role: 'sink', input: 'paper.signals.raw' }, subscribes: [{ topic: 'paper.signals.raw' }] }),
      node('strategy-runner', RUNNER, {
        restart: 'transient',
        needsStore: true,
        args: { brokers: ['paper'] },
        publishes: ['paper.signals.raw'],
        subscribes: [{ topic: 'market.ticks' }],
      }),
      node('ticks', SOURCE, { publishes: ['market.ticks'] }),
    ],
    { restart: 'transient', intensity: { maxRestarts: 0, periodMs: 1000 } },
  );
}

async function startWith(dir: string, strategiesYaml: string, feed: { market24x7: boolean; holidays?: string[] }): Promise<ActorSystem> {
  const file = join(dir, 'strategies.yaml');
  writeFileSync(file, strategiesYaml);
  const config = AppConfigSchema.parse({ strategies: { file }, feed });
  const s = makeSystem(tree(), { config, store: { path: join(dir, 'lmdb'), durability: 'nosync' } });
  system = s;
  await s.start();
  return s;
}

const call = (s: ActorSystem, actor: string, cmd: string, arg: unknown = null): Promise<unknown> => s.actor(actor)!.control()!.call(cmd, arg);

async function signalsAtSink(s: ActorSystem, n: number): Promise<Envelope<TradingSignal>[]> {
  let got: Envelope<TradingSignal>[] = [];
  await eventually(async () => {
    // Watermarks (event-time markers) travel on the same topic; signals are the rest
    got = ((await call(s, 'sink', 'received')) as Envelope<TradingSignal>[]).filter((e) => e.type !== 'watermark');
    return got.length >= n;
  }, 15_000, `${n} signals at the sink`);
  return got;
}

const brief = (e: Envelope<TradingSignal>) => `${e.key} ${e.data.side}`;

describe('strategy runner', () => {
  it('turns ticks into keyed trading_signal events, counts per strategy, and restores timers and histories after a restart', async () => {
    const dir = tempDir('ap-strat-');
    cleanups.push(dir.cleanup);
    let s = await startWith(dir.path, GOOD, { market24x7: false });

    const prices = [10000, 10000, 10000, 10300, 10300, 10300, 9900, 9900, 9900];
    const series: FixtureTick[] = prices.flatMap((ltp, i) => [
      { token: 100, ltp, exchangeTs: OPEN + i * 1000 },
      { token: 101, ltp: 5000, exchangeTs: OPEN + i * 1000 },
    ]);
    expect(await call(s, 'ticks', 'emit', series)).toBe(series.length);
    const got = await signalsAtSink(s, 6);
    // lf fires once per instrument (side auto: a BUY first, whatever the token); momentum over a 3-tick window
    expect(got.map(brief)).toEqual(['lf:100 BUY', 'lf:101 BUY', 'mom:100 BUY', 'mom:100 BUY', 'mom:100 SELL', 'mom:100 SELL']);
    for (const e of got) {
      expect(e).toMatchObject({ type: 'trading_signal', broker: 'paper', source: 'strategy-runner', causationId: null });
      expect(e.correlationId).toBe(e.id);
      expect(e.key).toBe(`${e.data.strategyId}:${e.data.token}`);
    }
    // Every signal carries the seq of the tick behind it, and a watermark at or past the last
    // signal's tick follows it on the topic (what lets risk and the engine release ticks)
    const all = (await call(s, 'sink', 'received')) as Envelope<TradingSignal | { tickSeq: number }>[];
    const lastSignalAt = all.map((e) => e.type).lastIndexOf('trading_signal');
    const maxTickSeq = Math.max(...got.map((e) => e.data.tickSeq ?? -1));
    expect(got.every((e) => typeof e.data.tickSeq === 'number')).toBe(true);
    await eventually(async () => {
      const now = (await call(s, 'sink', 'received')) as Envelope<{ tickSeq: number }>[];
      return now.slice(lastSignalAt + 1).some((e) => e.type === 'watermark' && e.data.tickSeq >= maxTickSeq);
    }, 5000, 'a watermark after the last signal');
    const mom = got.filter((e) => e.data.strategyId === 'mom').map((e) => e.data);
    expect(mom.map((d) => [d.price, d.ts, d.quantity])).toEqual([
      [10300, OPEN + 3000, 5],
      [10300, OPEN + 4000, 5],
      [9900, OPEN + 6000, 5],
      [9900, OPEN + 7000, 5],
    ]);

    const infos = (await call(s, 'strategy-runner', 'strategies')) as StrategyInfo[];
    const row = (id: string) => infos.find((i) => i.id === id)!;
    expect(infos.map((i) => i.id)).toEqual(['mom', 'lf', 'live_only']);
    expect(row('mom')).toMatchObject({ type: 'momentum', broker: 'paper', instruments: [100], enabled: true, skipped: null, ticks: 9, signals: 4, errors: 0 });
    expect(row('lf')).toMatchObject({ ticks: 18, signals: 2, errors: 0 });
    expect(row('live_only')).toMatchObject({ broker: 'zerodha', ticks: 0, signals: 0 });
    expect(row('live_only').skipped).toContain('zerodha');
    const snap = (await s.actor('strategy-runner')!.control()!.snapshot()) as StrategyRunnerSnapshot;
    expect(snap).toMatchObject({ skipped: 1, ticksSeen: 18, signalsPublished: 6, market: { market24x7: false, droppedClosed: 0 } });

    // Restart on the same LMDB: state is saved on stop and restored on start
    await s.stop();
    system = undefined;
    s = await startWith(dir.path, GOOD, { market24x7: false });
    const snap2 = (await s.actor('strategy-runner')!.control()!.snapshot()) as StrategyRunnerSnapshot;
    expect(snap2.persistence.restored).toBeGreaterThan(0);
    await call(s, 'ticks', 'emit', [
      // momentum window restored ([9900, 9900, 9900]): one tick is enough for a BUY
      { token: 100, ltp: 10300, exchangeTs: OPEN + 30_000 },
      // lf timers and daily counts restored: nothing within 60 s of the first signals, then the
      // SELL that follows its BUY
      { token: 101, ltp: 5000, exchangeTs: OPEN + 30_000 },
      { token: 101, ltp: 5000, exchangeTs: OPEN + 61_000 },
    ]);
    const after = await signalsAtSink(s, 2);
    expect(after.map(brief)).toEqual(['mom:100 BUY', 'lf:101 SELL']);
    expect(after[1]!.data.ts).toBe(OPEN + 61_000);
  });

  it('drops ticks while the market is closed (weekend, holiday, after hours) and counts them', async () => {
    const dir = tempDir('ap-strat-');
    cleanups.push(dir.cleanup);
    const s = await startWith(dir.path, GOOD, { market24x7: false, holidays: ['2025-01-27'] });
    const saturday = istMidnightMs(2025, 1, 25) + clockMs(10, 0);
    const holiday = istMidnightMs(2025, 1, 27) + clockMs(10, 0);
    const evening = OPEN + clockMs(10, 0); // Friday 20:00 IST
    const closed: FixtureTick[] = [saturday, holiday, evening].flatMap((t) =>
      [0, 1, 2, 3].map((i) => ({ token: 101, ltp: 5000 + i * 500, exchangeTs: t + i * 120_000 })),
    );
    // The last tick is inside Tuesday's session: it is the only one that may produce a signal
    const tuesday = istMidnightMs(2025, 1, 28) + clockMs(9, 30);
    await call(s, 'ticks', 'emit', [...closed, { token: 101, ltp: 5000, exchangeTs: tuesday }]);
    const got = await signalsAtSink(s, 1);
    expect(got.map(brief)).toEqual(['lf:101 BUY']);
    expect(got[0]!.data.ts).toBe(tuesday);
    const snap = (await s.actor('strategy-runner')!.control()!.snapshot()) as StrategyRunnerSnapshot;
    expect(snap.market.droppedClosed).toBe(closed.length);
    expect(snap.ticksSeen).toBe(closed.length + 1);
    expect(snap.strategies.find((i) => i.id === 'lf')!.ticks).toBe(1);
  });

  it('a bad strategies file fails the start with one clear error naming every problem', async () => {
    const dir = tempDir('ap-strat-');
    cleanups.push(dir.cleanup);
    const bad = `strategies:
  - id: fine
    type: momentum
    instruments: [100]
  - id: typo
    type: momentun
    instruments: [100]
  - id: negative
    type: momentum
    instruments: [100]
    params: { threshold: -0.5 }
`;
    const s = await startWith(dir.path, bad, { market24x7: true });
    expect(s.status().state).toBe('halted');
    const st = s.actor('strategy-runner')!.status();
    expect(st.state).not.toBe('running');
    const msg = st.lastError?.message ?? '';
    expect(msg).toContain(`strategies file ${join(dir.path, 'strategies.yaml')} has 2 problems`);
    expect(msg).toContain('ERR_STRATEGY_UNKNOWN_TYPE: strategy "typo" has unknown type "momentun"');
    expect(msg).toMatch(/ERR_STRATEGY_CONFIG: strategy "negative": .*threshold/);
  });

  it('refuses to start on a strategy listing an instrument the registry marks not tradable or does not know', async () => {
    const dir = tempDir('ap-strat-');
    cleanups.push(dir.cleanup);
    // The registry's records, as the instrument-registry actor writes them before the trading subtree
    await writeStored(dir.path, [
      { key: K.instrument(100), value: { token: 100, tickSize: 5, lotSize: 1, divisor: 100, tradable: true } },
      { key: K.instrument(260105), value: { token: 260105, tickSize: 5, lotSize: 1, divisor: 100, tradable: false } },
    ]);
    const withIndex = `strategies:
  - id: fine
    type: momentum
    instruments: [100]
  - id: on_index
    type: momentum
    instruments: [100, 260105, 4242]
`;
    const s = await startWith(dir.path, withIndex, { market24x7: true });
    expect(s.status().state).toBe('halted');
    const msg = s.actor('strategy-runner')!.status().lastError?.message ?? '';
    expect(msg).toContain('has 2 problems');
    expect(msg).toContain('strategy "on_index": instruments: token 260105 may not be ordered: the instrument registry marks it not tradable');
    expect(msg).toContain('token 4242 may not be ordered: the instrument registry does not know it');
  });
});
