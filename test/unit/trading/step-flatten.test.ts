// The trading step's flatten message on the real behaviours (default strategies, paper venue):
// resting orders are canceled, every open position is closed by risk-checked market orders that
// pass the engaged kill switch, the fills reach risk, brackets go with the positions, and nothing
// trades afterwards while the switch stays engaged. Pure: no worker, store or clock.
import { describe, expect, it } from 'vitest';
import type { Tick } from '../../../src/domain/types.js';
import type { StepOut } from '../../../src/protocol/trading.js';
import { FlattenReport, tradingStepBehaviour, venueBehaviour, type StepState } from '../../../src/services/trading/index.js';
import { synthetic } from '../backtest/fixtures.js';
import { CONFIG, positions, run } from './step-fixture.js';

const fillsOf = (out: readonly StepOut[]) => out.flatMap((o) => (o.kind === 'venue-events' ? o.events.flatMap((e) => (e.type === 'fill' ? [e.fill] : [])) : []));

/** A fresh step with open positions (and the ticks that built them). */
function withPositions(): { state: StepState; ticks: Tick[]; at: number } {
  const ticks = synthetic('flatten', 4000);
  const state = tradingStepBehaviour.init(CONFIG, undefined);
  for (let at = 500; at <= ticks.length; at += 500) {
    run(state, ticks, at - 500, at);
    if (Object.keys(positions(state)).length >= 2) return { state, ticks, at };
  }
  throw new Error('the default strategies opened fewer than 2 positions');
}

/** Rests a BUY limit far below the market for `strategyId` (the venue's own path, as a validated signal would). */
function restLimit(state: StepState, strategyId: string, token: number, ts: number): string {
  let orderId = '';
  venueBehaviour.handle(
    state.venue,
    { kind: 'submit', signal: { strategyId, token, side: 'BUY', quantity: 1, price: 100, ts, confidence: 1, order: { orderType: 'limit', tif: 'DAY', limitPrice: 100 }, metadata: {} }, validatedQty: 1, validatedPrice: 100 },
    (o) => {
      if (o.kind === 'venue-events') for (const e of o.events) if ('order' in e) orderId = e.order.orderId;
    },
  );
  return orderId;
}

describe('trading step: flatten', () => {
  it('cancels resting orders and closes every position through risk and the venue, past the kill switch', () => {
    const { state, ticks, at } = withPositions();
    const before = positions(state);
    const lastTs = ticks[at - 1]!.exchangeTs;
    const [firstKey] = Object.keys(before);
    const [strategyId, token] = firstKey!.split('/');
    const resting = restLimit(state, strategyId!, Number(token), lastTs);
    expect(state.venue.adapter.openOrders().map((o) => o.orderId)).toContain(resting);

    tradingStepBehaviour.handle(state, { kind: 'kill-switch', engaged: true, reason: 'drill' }, () => undefined);
    const out: StepOut[] = [];
    const report = new FlattenReport('paper');
    tradingStepBehaviour.handle(state, { kind: 'flatten', ts: lastTs }, (o) => {
      out.push(o);
      report.observe(o);
    });

    // everything is flat, and nothing rests
    expect(positions(state)).toEqual({});
    expect(state.venue.adapter.openOrders()).toEqual([]);
    // the cancels come first, then per position: signal → validated verdict → venue events
    const kinds = out.map((o) => (o.kind === 'venue-events' ? `venue:${o.cause}` : o.kind));
    expect(kinds[0]).toBe('venue:cancel');
    const verdicts = out.filter((o) => o.kind === 'verdict');
    expect(verdicts.length).toBe(Object.keys(before).length);
    for (const v of verdicts) expect(v.kind === 'verdict' && v.verdict.outcome).toBe('validated');
    // the fills close exactly what was held, stamped with the command's time
    const fills = fillsOf(out);
    const closed: Record<string, number> = {};
    for (const f of fills) {
      expect(f.ts).toBe(lastTs);
      closed[`${f.strategyId}/${f.token}`] = (closed[`${f.strategyId}/${f.token}`] ?? 0) + (f.side === 'SELL' ? f.quantity : -f.quantity);
    }
    expect(closed).toEqual(before);
    const r = report.result();
    expect(r.canceled).toEqual([resting]);
    expect(r.closes.map((c) => `${c.strategyId}/${c.token}`).sort()).toEqual(Object.keys(before).sort());
    expect(r.closes.every((c) => c.outcome === 'validated' && c.orderId.startsWith('paper-'))).toBe(true);
    expect(r.fills).toBe(fills.length);

    // with the switch still engaged nothing trades afterwards: no signal passes, no bracket fires
    const later = run(state, ticks, at, ticks.length);
    expect(fillsOf(later)).toEqual([]);
    expect(later.some((o) => o.kind === 'verdict' && o.verdict.outcome === 'rejected')).toBe(true);
    expect(positions(state)).toEqual({});
  });

  it('flattens one strategy only, and is deterministic', () => {
    const a = withPositions();
    const b = withPositions();
    const strategyId = Object.keys(positions(a.state))[0]!.split('/')[0]!;
    const others = Object.fromEntries(Object.entries(positions(a.state)).filter(([k]) => !k.startsWith(`${strategyId}/`)));
    const ts = a.ticks[a.at - 1]!.exchangeTs;
    const outA: StepOut[] = [];
    const outB: StepOut[] = [];
    tradingStepBehaviour.handle(a.state, { kind: 'flatten', ts, strategyId }, (o) => outA.push(o));
    tradingStepBehaviour.handle(b.state, { kind: 'flatten', ts, strategyId }, (o) => outB.push(o));
    expect(positions(a.state, strategyId)).toEqual({});
    expect(positions(a.state)).toEqual(others);
    expect(JSON.stringify(outA)).toBe(JSON.stringify(outB));
    // a second flatten has nothing left to do
    const again: StepOut[] = [];
    tradingStepBehaviour.handle(a.state, { kind: 'flatten', ts: ts + 1, strategyId }, (o) => again.push(o));
    expect(again).toEqual([]);
  });
});
