// Idempotent submission (one signal key ⇒ at most one order) and export/import of the broker state
import { describe, expect, it } from 'vitest';
import { clientOrderIdFor, signalKey } from '../../../src/domain/order/index.js';
import { createPaperBroker, type PaperBroker, type PaperEvent, type PaperState } from '../../../src/domain/paper/index.js';
import { fillsOf, input, sig, T0, TOKEN, unwrap } from './fixtures.js';

const DAY_MS = 24 * 3600 * 1000;

describe('idempotency', () => {
  it('the same signal twice ⇒ one order; the second is ERR_ORDER_DUPLICATE and changes nothing', () => {
    const b = createPaperBroker();
    const s = sig();
    const first = unwrap(b.submit(input(s), T0));
    const orderId = clientOrderIdFor('paper', signalKey(s));
    expect(first[0]).toMatchObject({ type: 'order-submitted', order: { orderId, clientOrderId: orderId, signalKey: `s1:${TOKEN}:BUY:${T0}` } });
    const before = JSON.stringify(b.exportState());
    const again = b.submit(input(s, 5, 9_000), T0 + 50);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error).toMatchObject({ code: 'ERR_ORDER_DUPLICATE', detail: { orderId } });
    expect(JSON.stringify(b.exportState())).toBe(before);
    expect(b.held('s1', TOKEN)).toBe(10);
  });

  it('a rejected signal is also remembered (redelivery does not retry it)', () => {
    const b = createPaperBroker();
    unwrap(b.submit(input(sig({ side: 'SELL' })), T0));
    expect(b.submit(input(sig({ side: 'SELL' })), T0).ok).toBe(false);
  });

  it('a different side, strategy, instrument or ts is a different signal', () => {
    const b = createPaperBroker();
    unwrap(b.submit(input(sig()), T0));
    for (const s of [sig({ side: 'SELL' }), sig({ strategyId: 's2' }), sig({ token: 2 }), sig({ ts: T0 + 1 })]) {
      expect(b.submit(input(s), T0).ok).toBe(true);
    }
  });

  it('known keys are part of the exported state', () => {
    const b = createPaperBroker();
    unwrap(b.submit(input(sig()), T0));
    const restored = createPaperBroker({}, JSON.parse(JSON.stringify(b.exportState())) as PaperState);
    expect(restored.submit(input(sig()), T0).ok).toBe(false);
  });

  it('keys older than the retention are forgotten at endOfDay, yet a replay of them is still refused', () => {
    const b = createPaperBroker({ dedupRetentionMs: DAY_MS });
    unwrap(b.submit(input(sig({ ts: T0 })), T0));
    b.endOfDay(T0 + 3 * DAY_MS);
    const st = b.exportState();
    expect(st.knownKeys).toEqual([]);
    expect(st.dedupHorizonTs).toBe(T0);
    const replay = b.submit(input(sig({ ts: T0 })), T0 + 3 * DAY_MS);
    expect(replay.ok ? 'ok' : replay.error.code).toBe('ERR_ORDER_DUPLICATE');
    expect(b.submit(input(sig({ ts: T0 + 3 * DAY_MS })), T0 + 3 * DAY_MS).ok).toBe(true);
  });

  it('the key set is bounded by maxKnownKeys; forgotten keys stay refused', () => {
    const b = createPaperBroker({ maxKnownKeys: 8 });
    for (let i = 0; i < 20; i++) unwrap(b.submit(input(sig({ ts: T0 + i, quantity: 1 })), T0 + i));
    expect(b.exportState().knownKeys.length).toBeLessThanOrEqual(8);
    for (let i = 0; i < 20; i++) expect(b.submit(input(sig({ ts: T0 + i, quantity: 1 })), T0 + 100).ok).toBe(false);
  });
});

// A scenario exercising partial fills, resting limits and stops, brackets, clamps and session end
type Call = (b: PaperBroker) => readonly PaperEvent[] | null;
const scenario: Call[] = [
  (b) => b.onTick(TOKEN, 10_000, T0),
  (b) => unwrap(b.submit(input(sig({ quantity: 40, order: { takeProfitBps: 150, stopLossBps: 100 } })), T0 + 1)),
  (b) => unwrap(b.submit(input(sig({ ts: T0 + 2, quantity: 15, order: { orderType: 'limit', limitPrice: 9_900 } })), T0 + 2)),
  (b) => unwrap(b.submit(input(sig({ ts: T0 + 3, side: 'SELL', quantity: 99, order: { tif: 'IOC' } })), T0 + 3)),
  (b) => unwrap(b.submit(input(sig({ ts: T0 + 4, strategyId: 's2', quantity: 7, order: { orderType: 'stop', stopPrice: 10_100 } })), T0 + 4)),
  (b) => b.onTick(TOKEN, 9_880, T0 + 5),
  (b) => unwrap(b.submit(input(sig({ ts: T0 + 6, strategyId: 's2', quantity: 30, order: { takeProfitBps: 80 } })), T0 + 6)),
  (b) => b.onTick(TOKEN, 10_150, T0 + 7),
  (b) => unwrap(b.submit(input(sig({ ts: T0 + 8, quantity: 12, order: { orderType: 'stop_limit', stopPrice: 10_300, limitPrice: 10_320 } })), T0 + 8)),
  (b) => b.onTick(TOKEN, 10_400, T0 + 9),
  (b) => b.onTick(TOKEN, 10_310, T0 + 10),
  (b) => b.onTick(TOKEN, 9_000, T0 + 11),
  (b) => unwrap(b.submit(input(sig({ ts: T0 + 12, quantity: 5, order: { orderType: 'limit', limitPrice: 8_000 } })), T0 + 12)),
  (b) => b.endOfDay(T0 + 13),
  (b) => unwrap(b.submit(input(sig({ ts: T0 + 14, quantity: 3 })), T0 + 14)),
];

describe('state export / import', () => {
  it('restoring mid-stream (at every cut point) gives identical subsequent events and state', () => {
    const config = { partialFillProb: 0.7, maxPartials: 4 };
    const reference = createPaperBroker(config);
    const refEvents = scenario.map((c) => JSON.stringify(c(reference)));
    expect(refEvents.join('')).toContain('"take-profit"');
    for (let cut = 0; cut <= scenario.length; cut++) {
      const a = createPaperBroker(config);
      scenario.slice(0, cut).forEach((c) => c(a));
      const b = createPaperBroker(config, JSON.parse(JSON.stringify(a.exportState())) as PaperState);
      const tail = scenario.slice(cut).map((c) => JSON.stringify(c(b)));
      expect(tail).toEqual(refEvents.slice(cut));
      expect(JSON.stringify(b.exportState())).toBe(JSON.stringify(reference.exportState()));
    }
  });

  it('exported state is plain JSON and survives a second round trip unchanged', () => {
    const b = createPaperBroker({ partialFillProb: 0.5 });
    scenario.slice(0, 9).forEach((c) => c(b));
    const s1 = b.exportState();
    const s2 = createPaperBroker({ partialFillProb: 0.5 }, s1).exportState();
    expect(s2).toEqual(s1);
    expect(JSON.parse(JSON.stringify(s1))).toEqual(s1);
    expect(s1.v).toBe(1);
  });

  it('fill sequence numbers continue across a restore', () => {
    const a = createPaperBroker();
    const f1 = fillsOf(unwrap(a.submit(input(sig()), T0)))[0]!;
    const b = createPaperBroker({}, a.exportState());
    const f2 = fillsOf(unwrap(b.submit(input(sig({ ts: T0 + 1 })), T0 + 1)))[0]!;
    expect(f2.fillSeq).toBe(f1.fillSeq + 1);
  });

  it('refuses a state of an unknown version', () => {
    const st = { ...createPaperBroker().exportState(), v: 2 } as unknown as PaperState;
    expect(() => createPaperBroker({}, st)).toThrow(/schema v2/);
  });
});
