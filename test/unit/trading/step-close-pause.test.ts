// The trader's actions on the real behaviours (default strategies, paper venue), pure: closing ONE
// position is a flatten filtered by strategy and instrument (only that position closes, the others
// and other resting orders stay), and a paused strategy sees ticks but emits no signal, its paused
// state surviving the stored strategy record (stateRecord → restoreState) and the step snapshot.
import { describe, expect, it } from 'vitest';
import type { StepOut } from '../../../src/protocol/trading.js';
import { flattenRequest, parseFlatten } from '../../../src/services/risk/queries.js';
import { restoreState, stateRecord } from '../../../src/services/strategy/state.js';
import { parsePause, pausedList, restorePaused, setPaused, strategyBehaviour, tradingStepBehaviour, venueBehaviour } from '../../../src/services/trading/index.js';
import { synthetic } from '../backtest/fixtures.js';
import { CONFIG, positions, run, STRATEGIES } from './step-fixture.js';

describe('closing one position', () => {
  it('closes only the (strategy, instrument) asked for and cancels only its resting orders', () => {
    const ticks = synthetic('close-one', 6000);
    const state = tradingStepBehaviour.init(CONFIG, undefined);
    let at = 0;
    while (Object.keys(positions(state)).length < 3 && at < ticks.length) {
      run(state, ticks, at, at + 250);
      at += 250;
    }
    const before = positions(state);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(3);
    const [target, ...others] = Object.keys(before);
    const [strategyId, tokenText] = target!.split('/');
    const token = Number(tokenText);
    const ts = ticks[at - 1]!.exchangeTs;
    // A resting order on the target and one on another position's instrument
    const rest = (s: string, t: number): void =>
      venueBehaviour.handle(state.venue, { kind: 'submit', signal: { strategyId: s, token: t, side: 'BUY', quantity: 1, price: 100, ts, confidence: 1, order: { orderType: 'limit', tif: 'DAY', limitPrice: 100 }, metadata: {} }, validatedQty: 1, validatedPrice: 100 }, () => undefined);
    rest(strategyId!, token);
    const [otherS, otherT] = others[0]!.split('/');
    rest(otherS!, Number(otherT));
    expect(state.venue.adapter.openOrders()).toHaveLength(2);

    const cmd = parseFlatten({ strategyId, token }, ['paper']);
    const out: StepOut[] = [];
    tradingStepBehaviour.handle(state, { kind: 'flatten', ...flattenRequest(cmd, ts) }, (o) => out.push(o));
    const after = positions(state);
    expect(after[target!]).toBeUndefined();
    for (const k of others) expect(after[k]).toBe(before[k]);
    const closing = out.filter((o) => o.kind === 'signal');
    expect(closing.length).toBeGreaterThanOrEqual(1);
    for (const o of closing) if (o.kind === 'signal') expect([o.signal.strategyId, o.signal.token, o.signal.reduceOnly]).toEqual([strategyId, token, true]);
    // Only the target's resting order was canceled
    expect(state.venue.adapter.openOrders().map((o) => `${o.strategyId}/${o.token}`)).toEqual([others[0]]);
  });

  it('refuses a token that is not a positive integer', () => {
    for (const token of [0, -3, 1.5, '256265', null]) {
      expect(() => parseFlatten({ strategyId: 'x', token }, ['paper'])).toThrow(/ERR_COMMAND_INVALID|token/);
    }
  });
});

describe('pausing one strategy', () => {
  it('drops the signals of a paused strategy only, keeps its indicators warm, and resumes', () => {
    const ticks = synthetic('pause', 4000);
    const free = strategyBehaviour.init(CONFIG.strategy, undefined);
    const held = strategyBehaviour.init(CONFIG.strategy, undefined);
    const paused = STRATEGIES[0]!.id;
    setPaused(held, parsePause({ strategyId: paused, paused: true }));
    const signals = (state: typeof free, from: number, to: number): string[] => {
      const ids: string[] = [];
      for (let i = from; i < to; i++) {
        const t = ticks[i]!;
        strategyBehaviour.handle(state, { kind: 'tick', tick: t, seq: i, ts: t.exchangeTs, feedSeq: i }, (o) => o.kind === 'signal' && ids.push(`${o.signal.strategyId}:${o.signal.token}:${i}`));
      }
      return ids;
    };
    const a = signals(free, 0, 2000);
    const b = signals(held, 0, 2000);
    expect(a.some((s) => s.startsWith(`${paused}:`))).toBe(true);
    expect(b).toEqual(a.filter((s) => !s.startsWith(`${paused}:`)));
    expect(held.suppressed).toBe(a.length - b.length);

    // Resumed: it decides exactly as if it had never been paused (it saw every tick)
    setPaused(held, { strategyId: paused, paused: false });
    expect(signals(held, 2000, 4000)).toEqual(signals(free, 2000, 4000));
  });

  it('survives the stored strategy record and the step snapshot; unknown ids are refused', () => {
    const state = strategyBehaviour.init(CONFIG.strategy, undefined);
    const id = STRATEGIES[1]!.id;
    setPaused(state, { strategyId: id, paused: true });
    const record = stateRecord(state.engine, 1000, pausedList(state));
    const fresh = strategyBehaviour.init(CONFIG.strategy, undefined);
    const r = restoreState(fresh.engine, JSON.parse(JSON.stringify(record)), 1500);
    expect(r.ok).toBe(true);
    if (r.ok) restorePaused(fresh, r.value.paused);
    expect([...fresh.paused]).toEqual([id]);
    // The checkpoint form (behaviour snapshot) carries it too
    const again = strategyBehaviour.init(CONFIG.strategy, JSON.parse(JSON.stringify(strategyBehaviour.snapshot(state))));
    expect(pausedList(again)).toEqual([id]);

    expect(() => setPaused(state, { strategyId: 'no-such-strategy', paused: true })).toThrow(/does not run here/);
    expect(() => parsePause({ strategyId: id, paused: 'yes' })).toThrow(/paused/);
    expect(() => parsePause({ paused: true })).toThrow(/strategyId/);
  });
});
