// A strategy's own problems, as every shell of the strategy behaviour reports them: a boundary error
// counted and logged once (ERR_STRATEGY_FAILED for a strategy that threw, ERR_SIGNAL_INVALID for a
// decision its validator refused), never fatal to the other strategies.
import type { StrategyOut } from '../../protocol/trading.js';

type Problem = Extract<StrategyOut, { readonly kind: 'strategy-failed' | 'signal-invalid' }>;
type CountError = (code: string, detail?: Readonly<Record<string, unknown>>) => void;

export function countStrategyProblem(countError: CountError, out: Problem): void {
  if (out.kind === 'strategy-failed') {
    countError('ERR_STRATEGY_FAILED', { strategyId: out.failure.strategyId, token: out.failure.token, reason: out.failure.message, fatal: out.failure.fatal });
  } else {
    countError('ERR_SIGNAL_INVALID', { strategyId: out.rejection.strategyId, token: out.rejection.token, reason: out.rejection.error.reason });
  }
}
