// Which actor plays which trading role, per topology: the one place the gateway, the console and
// the tree agree on actor names.
import type { Broker } from '../domain/types.js';

/** How the trading behaviours are placed on threads (config runtime.topology). */
export type Topology = 'split' | 'fused';

/** A trading role, as callers address it. */
export type TradingRole = 'strategies' | 'risk' | 'engine';

/**
 * Whether `broker`'s risk and venue run in a trading core (`trading-core-<broker>`): every broker
 * but zerodha, whose Kite calls are made by the split trading engine's shell (one actor per role).
 */
export function hasTradingCore(broker: Broker): boolean {
  return broker !== 'zerodha';
}

/**
 * The actor that plays `role` for `broker`: in `fused`, one trading core per broker plays all
 * three; in `split`, the strategy runner serves every broker and a trading core plays risk and
 * engine (zerodha: the risk manager and its own engine, see hasTradingCore).
 */
export function tradingActorName(topology: Topology, role: TradingRole, broker: Broker): string {
  if (topology === 'fused') return `trading-core-${broker}`;
  if (role === 'strategies') return 'strategy-runner';
  if (hasTradingCore(broker)) return `trading-core-${broker}`;
  return role === 'risk' ? 'risk-manager' : `trading-engine-${broker}`;
}
