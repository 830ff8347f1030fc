// low_frequency_demo (docs/original-system.md §4.2): at most one signal per instrument per interval,
// with an optional per-instrument daily cap. Fixes: time is the TICK timestamp (not the wall
// clock) so replays are deterministic, and the cap resets on the IST trading day (UTC+5:30),
// not at UTC midnight. Its timers are exportable as JSON so a restart does not re-emit at once.
// Side `auto` differs on purpose: the original's "BUY if token even else SELL" made every odd token
// a sell that a long-only venue refuses (all 20 default tokens are odd, so the demo never filled).
// Here `auto` alternates per instrument, BUY first each trading day, so it only sells what it
// bought: the demo keeps the original's intent (a slow mix of buys and sells) and fills.
import { z } from 'zod';
import type { Side } from '../types.js';
import type { Decision, StrategyContext, StrategyLogic } from './types.js';

/** Parameters of `low_frequency_demo` (defaults: 900 s, no cap, side auto, quantity 1). */
export interface LowFrequencyParams {
  readonly minIntervalSeconds: number;
  /** Null = unlimited. */
  readonly maxDailySignalsPerInstrument: number | null;
  /** 'auto' = per instrument BUY, SELL, BUY, ... restarting with BUY on each IST trading day. */
  readonly side: Side | 'auto';
  readonly quantity: number;
}

const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** IST calendar day number (days since 1970-01-01 in Asia/Kolkata) of an epoch-ms timestamp. */
export function istDayNumber(tsMs: number): number {
  return Math.floor((tsMs + IST_OFFSET_MS) / DAY_MS);
}

// Persisted shape; tokens are object keys because JSON has no integer-keyed maps
const StateSchema = z.object({
  lastEmit: z.record(z.string().regex(/^\d+$/), z.number()),
  day: z.number().int().nullable(),
  counts: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()),
});

/** JSON form of the strategy's private state. */
export type LowFrequencyState = z.infer<typeof StateSchema>;

/**
 * Side of `auto` for an instrument's signal number `countToday` (0-based) of the day: even ⇒ BUY,
 * odd ⇒ SELL of what the BUY before it bought. The count is the strategy's own per-day state, so
 * it needs no fills and replays identically.
 */
export function autoSide(countToday: number): Side {
  return countToday % 2 === 0 ? 'BUY' : 'SELL';
}

/** Creates a low_frequency_demo instance with empty timers. */
export function createLowFrequencyDemo(p: LowFrequencyParams): StrategyLogic {
  const lastEmit = new Map<number, number>();
  const counts = new Map<number, number>();
  let day: number | null = null;
  const intervalMs = p.minIntervalSeconds * 1000;

  const evaluate = (ctx: StrategyContext): Decision | null => {
    const today = istDayNumber(ctx.ts);
    if (day !== today) {
      day = today;
      counts.clear();
    }
    const last = lastEmit.get(ctx.token);
    // No previous emission ⇒ emit at once (the original's default of 0 had the same effect)
    if (last !== undefined && ctx.ts - last < intervalMs) return null;
    const count = counts.get(ctx.token) ?? 0;
    if (p.maxDailySignalsPerInstrument !== null && count >= p.maxDailySignalsPerInstrument) return null;
    lastEmit.set(ctx.token, ctx.ts);
    counts.set(ctx.token, count + 1);
    const side: Side = p.side !== 'auto' ? p.side : autoSide(count);
    return {
      side,
      confidence: 0.5,
      quantity: p.quantity,
      price: ctx.ltp,
      metadata: { reason: `interval ${p.minIntervalSeconds}s elapsed`, daily_count: count + 1 },
    };
  };

  const exportState = (): LowFrequencyState => ({
    lastEmit: Object.fromEntries([...lastEmit].map(([k, v]) => [String(k), v])),
    day,
    counts: Object.fromEntries([...counts].map(([k, v]) => [String(k), v])),
  });

  const importState = (state: unknown): boolean => {
    const parsed = StateSchema.safeParse(state);
    if (!parsed.success) return false;
    lastEmit.clear();
    counts.clear();
    for (const [k, v] of Object.entries(parsed.data.lastEmit)) lastEmit.set(Number(k), v);
    for (const [k, v] of Object.entries(parsed.data.counts)) counts.set(Number(k), v);
    day = parsed.data.day;
    return true;
  };

  return { historyLength: 1, evaluate, exportState, importState };
}
