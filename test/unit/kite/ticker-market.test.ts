// The sandbox market: deterministic per seed (the REST half's order matching and the tests rely on
// predictable prices), integer prices in minor units, listeners in token order, unsubscribe.
import { describe, expect, it } from 'vitest';
import { createSandboxMarket, loadSandboxInstruments } from '../../../src/kite/sandbox/market.js';
import type { Tick } from '../../../src/domain/types.js';

const instruments = loadSandboxInstruments();
const T0 = 1_718_176_569_000;

function run(seed: string, steps: number): Tick[] {
  const m = createSandboxMarket({ instruments, seed });
  const seen: Tick[] = [];
  m.onTick((t) => seen.push(t));
  for (let i = 0; i < steps; i++) m.step(T0 + i * 500);
  return seen;
}

describe('sandbox market', () => {
  it('gives the same ticks for the same seed and step times, other ticks for another seed', () => {
    expect(run('a', 5)).toEqual(run('a', 5));
    expect(run('a', 5).map((t) => t.ltp)).not.toEqual(run('b', 5).map((t) => t.ltp));
  });

  it('ticks every instrument once per step, in token order, with integer prices', () => {
    const ticks = run('a', 3);
    const tokens = instruments.map((i) => i.token).sort((x, y) => x - y);
    expect(ticks.map((t) => t.token)).toEqual([...tokens, ...tokens, ...tokens]);
    for (const t of ticks) {
      expect(Number.isSafeInteger(t.ltp) && t.ltp > 0).toBe(true);
      expect(t.tradable).toBe((t.token & 0xff) !== 9);
    }
  });

  it('answers lastPrice from the latest tick and stops calling an unsubscribed listener', () => {
    const m = createSandboxMarket({ instruments, seed: 'a' });
    expect(m.lastPrice(408065)).toBeUndefined();
    let calls = 0;
    const off = m.onTick(() => calls++);
    m.step(T0);
    expect(calls).toBe(instruments.length);
    expect(m.lastPrice(408065)).toBe(m.lastTick(408065)!.ltp);
    off();
    m.step(T0 + 500);
    expect(calls).toBe(instruments.length);
    expect(m.steps).toBe(2);
  });
});
