// The zerodha engine's I/O shell (actors/zerodha-engine-shell.ts) with the pure venue and a scripted
// Kite client: an order update saying COMPLETE fetches the trades (never inventing a fill), retries
// while Kite's trade list lags its order state, and makes each fill exactly once; a failed fetch is
// counted, never thrown; updates before the start-up reconciliation or after a halt call nothing.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createZerodhaShell } from '../../../actors/zerodha-engine-shell.js';
import { appError } from '../../../src/errors.js';
import type { KiteRestClient } from '../../../src/kite/rest/client.js';
import type { KiteTrade } from '../../../src/kite/rest/types.js';
import type { AdapterEvent } from '../../../src/services/engine/adapter.js';
import { createZerodhaAdapter } from '../../../src/services/engine/zerodha-venue.js';
import { config, kiteOrder, kiteTrade, signal } from './zerodha-fixtures.js';

/** A shell over a fresh venue; `trades(n)` answers the n-th GET /trades (0-based). */
function setup(trades: (n: number) => KiteTrade[]) {
  const adapter = createZerodhaAdapter(config, undefined);
  const calls: string[] = [];
  const errors: string[] = [];
  let n = 0;
  const client = {
    placeOrder: async () => {
      calls.push('place');
      return 'K1';
    },
    orders: async () => {
      calls.push('orders');
      return [];
    },
    trades: async () => {
      calls.push('trades');
      return trades(n++);
    },
  } as unknown as KiteRestClient;
  const committed: AdapterEvent[] = [];
  const shell = createZerodhaShell({
    adapter,
    client,
    commit: async (events) => void committed.push(...events),
    nowMs: () => 1_000,
    log: pino({ level: 'silent' }),
    countError: (code) => void errors.push(code),
  });
  return { adapter, shell, calls, committed, errors };
}

/** Submits one order, reconciles (one orders and one trades call) and lets the shell place it. */
async function placed(s: ReturnType<typeof setup>): Promise<string> {
  const r = s.adapter.submit({ signal: signal(1000), validatedQty: 10, validatedPrice: 0 }, 1000);
  const tag = r.ok ? (r.value[0] as { order: { orderId: string } }).order.orderId : '';
  await s.shell.poll();
  s.shell.onPhase('before-commit');
  s.shell.onPhase('after-commit');
  await new Promise((res) => setTimeout(res, 10));
  expect(s.calls).toContain('place');
  return tag;
}

const fills = (events: readonly AdapterEvent[]) => events.filter((e) => e.type === 'fill');
const tradeCalls = (calls: readonly string[]) => calls.filter((c) => c === 'trades').length;

describe('zerodha shell: order updates', () => {
  it('COMPLETE fetches the trades, retries while they lag, and makes the fill once', async () => {
    // Call 0 is the reconciliation's; the update's first two reads still lack the trade
    const s = setup((n) => (n < 3 ? [] : [kiteTrade('T1', 'K1', 10)]));
    const tag = await placed(s);
    await s.shell.onOrderUpdate(kiteOrder('K1', tag, 'COMPLETE', 10));
    expect(fills(s.committed)).toHaveLength(1);
    expect(s.adapter.orderOf(tag)?.status).toBe('Filled');
    expect(tradeCalls(s.calls)).toBe(4);
    // The same message again: nothing to fetch, no second fill
    await s.shell.onOrderUpdate(kiteOrder('K1', tag, 'COMPLETE', 10));
    expect(fills(s.committed)).toHaveLength(1);
    expect(tradeCalls(s.calls)).toBe(4);
    expect(s.shell.snapshot()).toMatchObject({ updates: 2, tradeFetches: 3, polls: 0 });
  });

  it('an OPEN update calls nothing; updates before reconciliation or after a halt are ignored', async () => {
    const s = setup(() => []);
    await s.shell.onOrderUpdate(kiteOrder('K1', 'apx', 'COMPLETE', 10));
    expect(s.calls).toEqual([]);
    const tag = await placed(s);
    const n = s.calls.length;
    await s.shell.onOrderUpdate(kiteOrder('K1', tag, 'OPEN'));
    expect(s.calls.length).toBe(n);
    expect(s.adapter.orderOf(tag)?.status).toBe('Accepted');
    s.shell.tokenExpired();
    await s.shell.onOrderUpdate(kiteOrder('K1', tag, 'COMPLETE', 10));
    expect(s.calls.length).toBe(n);
    expect(s.shell.snapshot()).toMatchObject({ updatesIgnored: 2 });
  });

  it('a failed trades fetch is counted, not thrown; the next update fetches again', async () => {
    const s = setup((n) => {
      if (n === 1) throw appError('ERR_KITE_NETWORK', { route: 'GET /trades', reason: 'connection reset' });
      return n === 0 ? [] : [kiteTrade('T1', 'K1', 10)];
    });
    const tag = await placed(s);
    await s.shell.onOrderUpdate(kiteOrder('K1', tag, 'COMPLETE', 10));
    expect(fills(s.committed)).toHaveLength(0);
    expect(s.errors).toContain('ERR_KITE_NETWORK');
    expect(s.shell.snapshot()).toMatchObject({ tradeFetchErrors: 1 });
    await s.shell.onOrderUpdate(kiteOrder('K1', tag, 'COMPLETE', 10));
    expect(fills(s.committed)).toHaveLength(1);
  });
});
