// Per-strategy list for the control plane: every configured strategy in file order, with the
// engine's counters for the runnable ones and zeros plus the reason for the skipped ones.
import type { EngineStats, StrategyConfig } from '../../domain/strategy/index.js';
import type { StrategyInfo } from '../../protocol/strategy-runner.js';
import type { SkippedStrategy } from './load.js';

/** Builds the `StrategyInfo` list (the gateway's strategies view). */
export function strategyInfos(
  configs: readonly StrategyConfig[],
  stats: EngineStats,
  skipped: readonly SkippedStrategy[],
  paused: ReadonlySet<string> = new Set(),
): StrategyInfo[] {
  const byId = new Map(stats.strategies.map((s) => [s.id, s]));
  const skipReason = new Map(skipped.map((s) => [s.config.id, s.reason]));
  return configs.map((c) => {
    const s = byId.get(c.id);
    return {
      id: c.id,
      type: c.type,
      broker: c.broker,
      instruments: [...c.instruments],
      enabled: c.enabled,
      skipped: skipReason.get(c.id) ?? null,
      ticks: s?.ticks ?? 0,
      signals: s?.signals ?? 0,
      buys: s?.buys ?? 0,
      sells: s?.sells ?? 0,
      rejected: s?.rejected ?? 0,
      errors: s?.errors ?? 0,
      warnings: s?.warnings ?? 0,
      paused: paused.has(c.id),
    };
  });
}
