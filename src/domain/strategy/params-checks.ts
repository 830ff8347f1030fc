// Cross-field checks on parsed strategy params: rules zod cannot see field by field (RSI level
// order, order-instruction combinations, sizes the validator would always reject, predictor
// names and predictor params). Each problem is one "params.path: reason" string.
import { assertNever } from '../../errors.js';
import type { ParsedParams } from './params.js';
import type { MlParams } from './ml.js';
import type { PredictorRegistry } from './predictor.js';

function orderProblems(p: ParsedParams): string[] {
  const o = p.order;
  const out: string[] = [];
  const type = o.orderType ?? 'market';
  const isLimit = type === 'limit' || type === 'stop_limit';
  const isStop = type === 'stop' || type === 'stop_limit';
  if (o.limitPrice !== undefined && o.limitOffsetBps !== undefined) {
    out.push('params.limit_price: expected either limit_price or limit_offset_bps, was both');
  }
  if (!isLimit && (o.limitPrice !== undefined || o.limitOffsetBps !== undefined)) {
    out.push(`params.order_type: a limit price needs order_type limit or stop_limit, was ${type}`);
  }
  if (isStop && o.stopPrice === undefined) out.push(`params.stop_price: required for order_type ${type}`);
  if (!isStop && o.stopPrice !== undefined) {
    out.push(`params.order_type: stop_price needs order_type stop or stop_limit, was ${type}`);
  }
  return out;
}

// Every [path, quantity] a strategy may put on a signal
function sizes(p: ParsedParams): Array<[string, number]> {
  switch (p.type) {
    case 'momentum':
    case 'rsi':
    case 'mean_reversion':
      return [['params.position_size', p.rules.positionSize]];
    case 'low_frequency_demo':
      return [['params.quantity', p.lowFrequency.quantity]];
    case 'ml_momentum':
    case 'ml_mean_reversion':
    case 'ml_breakout':
      return [['params.position_size', p.ml.positionSize]];
    case 'hybrid_momentum':
    case 'hybrid_mean_reversion':
      return [
        ['params.rules_config.position_size', p.rules.positionSize],
        ['params.ml_config.position_size', p.ml.positionSize],
      ];
    default:
      return assertNever(p);
  }
}

function predictorProblems(prefix: string, ml: MlParams, predictors: PredictorRegistry): string[] {
  const factory = predictors.get(ml.predictor);
  if (factory === undefined) {
    return [`${prefix}predictor: unknown predictor "${ml.predictor}"; available: ${predictors.names().join(', ')}`];
  }
  const built = factory(ml.kind, ml.predictorParams);
  return built.ok ? [] : [`${prefix}${built.error}`];
}

/** All cross-field problems of already field-valid params. */
export function crossFieldProblems(p: ParsedParams, predictors: PredictorRegistry): string[] {
  const out = orderProblems(p);
  for (const [path, qty] of sizes(p)) {
    if (qty < p.limits.minQuantity) {
      out.push(`${path}: expected ≥ min_quantity ${p.limits.minQuantity}, was ${qty} (every signal would be rejected)`);
    }
  }
  if (p.type === 'rsi' || p.type === 'mean_reversion' || p.type === 'hybrid_mean_reversion') {
    if (p.rules.oversold >= p.rules.overbought) {
      const prefix = p.type === 'hybrid_mean_reversion' ? 'params.rules_config.' : 'params.';
      out.push(`${prefix}rsi_oversold: expected below rsi_overbought ${p.rules.overbought}, was ${p.rules.oversold}`);
    }
  }
  if (p.type === 'ml_momentum' || p.type === 'ml_mean_reversion' || p.type === 'ml_breakout') {
    out.push(...predictorProblems('params.', p.ml, predictors));
  }
  if (p.type === 'hybrid_momentum' || p.type === 'hybrid_mean_reversion') {
    out.push(...predictorProblems('params.ml_config.', p.ml, predictors));
  }
  return out;
}
