// Config → risk limits: the risk section of the app config is in rupees; the rules work in paise.
import type { AppConfig } from '../../config.js';
import type { RiskLimits } from '../../domain/risk/index.js';

/** Rupees (at most two decimals, checked by the config schema) to integer paise. */
function paise(rupees: number): number {
  return Math.round(rupees * 100);
}

/** The limits the risk manager enforces, from `config.risk`. */
export function riskLimitsFromConfig(risk: AppConfig['risk']): RiskLimits {
  return {
    maxPosition: risk.maxPosition,
    maxDailyTrades: risk.maxDailyTrades,
    maxPriceDeviation: risk.maxPriceDeviation,
    maxOrderNotional: paise(risk.maxOrderNotional),
    dailyLossLimit: paise(risk.dailyLossLimit),
  };
}
