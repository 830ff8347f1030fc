// Which actor plays which trading role, per topology: the one place the gateway, the console and
// the tree agree on actor names.
import type { Broker } from '../domain/types.js';

/** How the trading behaviours are placed on threads (config runtime.topology). */
export type Topology = 'split' | 'fused';

/** A trading role, as callers address it. */
export type TradingRole = 'strategies' | 'risk' | 'engine';

/**
 * The actor that plays `role` for `broker`: in `fused`, one trading core per broker plays all
 * three; in `split`, each role has its own actor (risk and strategies serve every broker).
 */
export function tradingActorName(topology: Topology, role: TradingRole, broker: Broker): string {
  if (topology === 'fused') return `trading-core-${broker}`;
  return role === 'strategies' ? 'strategy-runner' : role === 'risk' ? 'risk-manager' : `trading-engine-${broker}`;
}
