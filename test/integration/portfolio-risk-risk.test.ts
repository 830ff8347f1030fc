// Risk manager with real workers and a temp LMDB: per-rule checks on validated/rejected verdicts
// (positions and daily loss from REAL fills in the log), the persisted kill switch, and restarts in
// the middle of a signal stream that neither lose a verdict nor validate a signal twice.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/system.js';
import { call, fill, logFills, prSystem, signal } from '../support/pr-tree.js';
import type { ActorSystem } from '../../src/runtime/system.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { RejectedSignalPayload, ValidatedSignalPayload } from '../../src/protocol/risk.js';
import type { RiskStateView } from '../../src/services/risk/queries.js';
import type { TradingSignal } from '../../src/domain/types.js';

let system: ActorSystem | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
  cleanup?.();
  cleanup = undefined;
});

type Verdict = Envelope<ValidatedSignalPayload> | Envelope<RejectedSignalPayload>;
const T = 738561;
// ₹10,000 max notional, 100 units, 5 trades a day, 10 % deviation, ₹1,000 daily loss
const LIMITS = { risk: { maxPosition: 100, maxDailyTrades: 5, maxPriceDeviation: 0.1, maxOrderNotional: 10_000, dailyLossLimit: 1_000 } };

async function verdicts(s: ActorSystem): Promise<Verdict[]> {
  const v = (await call(s, 'driver', 'received', { topic: 'paper.signals.validated' })) as Verdict[];
  const r = (await call(s, 'driver', 'received', { topic: 'paper.signals.rejected' })) as Verdict[];
  return [...v, ...r];
}

/** Sends signals and waits for one verdict per signal id; returns the verdicts in signal order. */
async function judge(s: ActorSystem, signals: TradingSignal[]): Promise<Verdict[]> {
  const ids = (await call(s, 'driver', 'signals', { broker: 'paper', signals })) as string[];
  let got: Verdict[] = [];
  await eventually(async () => {
    got = await verdicts(s);
    return ids.every((id) => got.some((v) => v.causationId === id));
  }, 10_000, `${ids.length} verdicts`);
  return ids.map((id) => got.find((v) => v.causationId === id)!);
}

const riskState = async (s: ActorSystem): Promise<RiskStateView> => (await call(s, 'risk-manager', 'risk-state', { broker: 'paper' })) as RiskStateView;
const failed = (v: Verdict): string[] => Object.entries(v.data.checks).filter(([, ok]) => !ok).map(([rule]) => rule);

describe('risk manager', () => {
  it('validates or rejects with per-rule checks; positions and daily loss come from the fill log', async () => {
    ({ system, cleanup } = prSystem('risk', LIMITS));
    await system.start();
    await call(system, 'driver', 'tick', { token: T, ltp: 10_000 });
    await eventually(async () => (await riskState(system!)).lastPrices === 1, 10_000, 'tick seen');

    const [ok, big, far] = await judge(system, [
      signal({ strategyId: 'a', quantity: 10 }),
      signal({ strategyId: 'b', quantity: 200 }),
      signal({ strategyId: 'c', price: 12_000 }),
    ]);
    expect(ok!.type).toBe('validated_signal');
    expect(ok!.key).toBe(`a:${T}`);
    expect(ok!.correlationId).toContain('.driver.');
    expect(failed(ok!)).toEqual([]);
    expect((ok as Envelope<ValidatedSignalPayload>).data).toMatchObject({ validatedQty: 10, validatedPrice: 10_000 });
    expect(Object.keys(ok!.data.checks).sort()).toEqual(['DailyLossLimit', 'KillSwitch', 'MaxDailyTrades', 'MaxOrderNotional', 'MaxPositionSize', 'PriceLimit', 'TradableInstrument']);
    expect(big!.type).toBe('rejected_signal');
    expect(failed(big!)).toEqual(['MaxPositionSize', 'MaxOrderNotional']);
    const rb = (big as Envelope<RejectedSignalPayload>).data;
    expect(rb.rejectionReason).toBe(rb.reasons.map((r) => `${r.rule}: ${r.message}`).join('; '));
    expect(rb.rejectionReason).toMatch(/^MaxPositionSize: position 200 would exceed maximum 100; MaxOrderNotional: /);
    expect(failed(far!)).toEqual(['PriceLimit']);

    // the 6th signal of a strategy on one day fails MaxDailyTrades; the counter counts validations only
    const six = await judge(system, Array.from({ length: 6 }, () => signal({ strategyId: 'd' })));
    expect(six.map((v) => v.type)).toEqual([...Array(5).fill('validated_signal'), 'rejected_signal']);
    expect(failed(six[5]!)).toEqual(['MaxDailyTrades']);

    // a REAL fill of 95 for strategy a: +10 more would breach 100 (a's earlier validation alone did not count)
    await logFills(system, [fill(1, { strategyId: 'a', side: 'BUY', quantity: 95, price: 10_000 })]);
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await eventually(async () => (await riskState(system!)).fillWatermark === 1, 10_000, 'fill applied');
    const [over, reduce] = await judge(system, [signal({ strategyId: 'a', quantity: 10 }), signal({ strategyId: 'a', side: 'SELL', quantity: 10 })]);
    expect(failed(over!)).toEqual(['MaxPositionSize']);
    expect(failed(reduce!)).toEqual([]);

    // a realized loss of ₹1,500 today: only position-reducing orders pass
    await logFills(system, [
      fill(2, { strategyId: 'e', side: 'BUY', quantity: 10, price: 20_000 }),
      fill(3, { strategyId: 'e', side: 'SELL', quantity: 10, price: 5_000 }),
    ]);
    await call(system, 'driver', 'notify', { broker: 'paper' });
    await eventually(async () => (await riskState(system!)).dailyNetRealized === -150_000, 10_000, 'loss applied');
    const [more, cut] = await judge(system, [signal({ strategyId: 'f', quantity: 1 }), signal({ strategyId: 'a', side: 'SELL', quantity: 5 })]);
    expect(failed(more!)).toEqual(['DailyLossLimit']);
    expect(failed(cut!)).toEqual([]);

    const st = await riskState(system);
    const count = (id: string) => st.dailyTrades.find((d) => d.strategyId === id)?.count ?? 0;
    expect([count('a'), count('b'), count('c'), count('d'), count('f')]).toEqual([3, 0, 0, 5, 0]);
  });

  it('the kill switch blocks every signal, survives a restart and releases', async () => {
    ({ system, cleanup } = prSystem('risk', LIMITS));
    await system.start();
    const reply = await call(system, 'risk-manager', 'kill-switch', { engaged: true, reason: 'ops drill' });
    expect(reply).toEqual({ paper: { engaged: true, reason: 'ops drill' } });
    const blocked = await judge(system, [signal({ strategyId: 'k' }), signal({ strategyId: 'k', side: 'SELL' })]);
    expect(blocked.map(failed)).toEqual([['KillSwitch'], ['KillSwitch']]);
    expect((blocked[0] as Envelope<RejectedSignalPayload>).data.rejectionReason).toBe('KillSwitch: trading is halted by the kill switch (ops drill)');

    const rm = system.actor('risk-manager')!;
    await call(system, 'risk-manager', 'debug-crash', { at: 'now' });
    await eventually(() => rm.status().restarts >= 1 && rm.status().state === 'running', 15_000, 'restart');
    expect((await riskState(system)).killSwitch).toEqual({ engaged: true, reason: 'ops drill' });
    expect(failed((await judge(system, [signal({ strategyId: 'k' })]))[0]!)).toEqual(['KillSwitch']);

    await call(system, 'risk-manager', 'kill-switch', { engaged: false, reason: '' });
    expect((await judge(system, [signal({ strategyId: 'k' })]))[0]!.type).toBe('validated_signal');
    await expect(call(system, 'risk-manager', 'kill-switch', { engaged: 'yes' })).rejects.toThrow(/engaged/);
  });

  it('restarts mid-stream never lose a verdict nor validate a signal twice; the daily counter equals the validations', async () => {
    ({ system, cleanup } = prSystem('risk', { risk: { maxDailyTrades: 1_000 } }));
    await system.start();
    const rm = system.actor('risk-manager')!;
    const strategies = ['m1', 'm2', 'm3'];
    const mk = (i: number) => signal({ strategyId: strategies[i % 3]!, quantity: 1 + (i % 4) });
    const ids: string[] = [];
    // crash after 20 signals (evaluated work uncommitted or in flight), then right after a commit
    await call(system, 'risk-manager', 'debug-crash', { at: 'after-events', n: 20 });
    ids.push(...((await call(system, 'driver', 'signals', { broker: 'paper', signals: Array.from({ length: 60 }, (_, i) => mk(i)) })) as string[]));
    await eventually(() => rm.status().restarts >= 1 && rm.status().state === 'running', 15_000, 'restart 1');
    await call(system, 'risk-manager', 'debug-crash', { at: 'after-commit' });
    ids.push(...((await call(system, 'driver', 'signals', { broker: 'paper', signals: Array.from({ length: 60 }, (_, i) => mk(60 + i)) })) as string[]));
    await eventually(() => rm.status().restarts >= 2 && rm.status().state === 'running', 15_000, 'restart 2');

    let got: Verdict[] = [];
    await eventually(async () => {
      got = await verdicts(system!);
      return ids.every((id) => got.some((v) => v.causationId === id));
    }, 15_000, 'a verdict for every signal');
    // one verdict event per signal: a redelivery after a crash re-sends the SAME event (same id)
    const bySignal = new Map<string, Set<string>>();
    for (const v of got) bySignal.set(v.causationId!, (bySignal.get(v.causationId!) ?? new Set()).add(v.id));
    expect(bySignal.size).toBe(ids.length);
    expect([...bySignal.values()].every((s) => s.size === 1)).toBe(true);
    const validated = new Set(got.filter((v) => v.type === 'validated_signal').map((v) => v.id));
    expect(validated.size).toBe(ids.length);
    const st = await riskState(system);
    expect(st.dailyTrades.reduce((n, d) => n + d.count, 0)).toBe(validated.size);
    // per strategy (signal key), distinct validations equal that strategy's counter
    for (const id of strategies) {
      const n = new Set(got.filter((v) => v.type === 'validated_signal' && v.key === `${id}:${T}`).map((v) => v.id)).size;
      expect(n).toBe(st.dailyTrades.find((d) => d.strategyId === id)!.count);
    }
    // the crash after a commit really left verdicts unpublished: the next incarnation re-sent them
    const snap = (await rm.control()!.snapshot()) as { counts: { resent: number } };
    expect(snap.counts.resent).toBeGreaterThan(0);
  });
});
