// Human-readable lines for backtest errors and money, shared by the sweep CLI, its workers and the
// benchmarks. PURE.
import { formatMessage } from '../errors.js';
import type { StrategyConfigError } from '../domain/strategy/index.js';
import type { Paise } from '../domain/types.js';

/** `CODE: message` for each strategy configuration problem. */
export function describeConfigErrors(errors: readonly StrategyConfigError[]): string[] {
  return errors.map((e) => `${e.code}: ${formatMessage(e.code, e)}`);
}

/** Paise as rupees with two decimals and thousands separators: 123456789 → "1,234,567.89". */
export function rupees(p: Paise): string {
  const neg = p < 0;
  const abs = Math.abs(p);
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${whole}.${(abs % 100).toString().padStart(2, '0')}`;
}
