// The trading step over the default paper strategies with a paper venue, for the step tests:
// config, a tick loop and the non-zero risk positions.
import { parseStrategies, type StrategyConfig } from '../../../src/domain/strategy/index.js';
import { DEFAULT_RISK_LIMITS } from '../../../src/domain/risk/index.js';
import type { Tick } from '../../../src/domain/types.js';
import type { StepOut } from '../../../src/protocol/trading.js';
import { tradingStepBehaviour, type StepConfig, type StepState } from '../../../src/services/trading/index.js';
import { DEFAULT_DOC } from '../backtest/fixtures.js';

const parsed = parseStrategies(DEFAULT_DOC.strategies);
if (!parsed.ok) throw new Error('default strategies');
export const STRATEGIES: readonly StrategyConfig[] = parsed.value.map((p) => p.config).filter((c) => c.broker === 'paper');

export const CONFIG: StepConfig = {
  broker: 'paper',
  strategy: { strategies: STRATEGIES, calendar: { market24x7: true } },
  risk: { limits: { ...DEFAULT_RISK_LIMITS, maxDailyTrades: 100_000 } },
  venue: { adapter: { paper: {} }, calendar: { market24x7: true }, endOfDay: true, tickSizes: new Map() },
};

/** Feeds ticks[from, to) through the step (stream and feed position = index), collecting its output. */
export function run(state: StepState, ticks: readonly Tick[], from: number, to: number, out: StepOut[] = []): StepOut[] {
  for (let i = from; i < to; i++) {
    const t = ticks[i]!;
    tradingStepBehaviour.handle(state, { kind: 'tick', tick: t, seq: i, ts: t.exchangeTs, feedSeq: i }, (o) => out.push(o));
  }
  return out;
}

/** Non-zero risk positions as `strategy/token → qty` (of one strategy when given). */
export function positions(state: StepState, strategyId?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [s, byToken] of state.risk.state.positions) {
    if (strategyId !== undefined && s !== strategyId) continue;
    for (const [token, lot] of byToken) if (lot.qty !== 0) out[`${s}/${token}`] = lot.qty;
  }
  return out;
}
