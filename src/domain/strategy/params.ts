// Per-type strategy parameter schemas (config is a trust boundary: zod, strict keys, defaults
// from docs/original-system.md §4.2–4.4) and their conversion to typed parameter objects.
// parseParams reports every problem it finds as a list of "path: reason" strings.
import { z } from 'zod';
import { assertNever, err, ok, type Result } from '../../errors.js';
import type { FeatureKind } from './features.js';
import type { HybridPolicy } from './hybrid.js';
import type { LowFrequencyParams } from './low-frequency.js';
import type { MlParams } from './ml.js';
import { crossFieldProblems } from './params-checks.js';
import { pctToBps, type OrderSpec } from './order.js';
import type { PredictorRegistry } from './predictor.js';
import type { MeanReversionParams, MomentumParams, RsiParams } from './rules.js';
import type { StrategyType } from './types.js';
import type { ValidatorLimits } from './validator.js';

const MAX_WINDOW = 10_000; // bounds per-instrument memory: 80 kB per (strategy, instrument) at most
const size = z.number().int().min(1);
const percentLevel = z.number().gt(0).lt(100);

const commonShape = {
  validator: z.literal('standard').default('standard'),
  max_confidence: z.number().min(1).default(100),
  min_quantity: z.number().int().min(0).default(1),
  // Accepted for compatibility with the original's configs; risk limits live in the risk manager
  max_position_size: z.number().int().positive().default(10_000),
  risk_multiplier: z.number().positive().default(1),
  order_type: z.enum(['market', 'limit', 'stop', 'stop_limit']).optional(),
  tif: z.enum(['DAY', 'IOC', 'FOK']).optional(),
  limit_price: z.number().int().positive().optional(),
  limit_offset_bps: z.number().int().min(-5_000).max(5_000).optional(),
  stop_price: z.number().int().positive().optional(),
  take_profit_pct: z.number().positive().max(1_000).optional(),
  stop_loss_pct: z.number().positive().lt(100).optional(),
};
const momentumShape = {
  lookback_periods: z.number().int().min(2).max(MAX_WINDOW).default(20),
  threshold: z.number().positive().default(0.01),
  position_size: size.default(100),
};
const rsiShape = {
  rsi_period: z.number().int().min(1).max(MAX_WINDOW / 2).default(14),
  rsi_oversold: percentLevel.default(30),
  rsi_overbought: percentLevel.default(70),
  position_size: size.default(100),
};
const meanReversionShape = {
  ...rsiShape,
  lookback_periods: z.number().int().min(2).max(MAX_WINDOW).default(20),
  bollinger_std: z.number().positive().default(2),
};
const lowFrequencyShape = {
  min_interval_seconds: z.number().min(0).default(900),
  max_daily_signals_per_instrument: z.number().int().min(0).nullable().default(null),
  side: z.enum(['BUY', 'SELL', 'auto']).default('auto'),
  quantity: size.default(1),
};
const mlShape = (lookback: number) => ({
  lookback_periods: z.number().int().min(2).max(MAX_WINDOW).default(lookback),
  confidence_threshold: z.number().min(0).max(1).default(0.6),
  position_size: size.default(100),
  predictor: z.string().min(1).default('logistic'),
  predictor_params: z.record(z.string(), z.unknown()).default({}),
});
const hybridShape = (rules: z.ZodType, ml: z.ZodType) => ({
  rules_config: rules,
  ml_config: ml,
  policy_type: z.enum(['majority_vote', 'conservative']).default('majority_vote'),
  min_ml_confidence: z.number().min(0).max(1).default(0.6),
});

const MomentumSchema = z.strictObject(momentumShape);
const MeanReversionSchema = z.strictObject(meanReversionShape);
const MlMomentumSchema = z.strictObject(mlShape(20));
const MlMeanReversionSchema = z.strictObject(mlShape(20));

const SCHEMAS = {
  momentum: z.strictObject({ ...commonShape, ...momentumShape }),
  rsi: z.strictObject({ ...commonShape, ...rsiShape }),
  mean_reversion: z.strictObject({ ...commonShape, ...meanReversionShape }),
  low_frequency_demo: z.strictObject({ ...commonShape, ...lowFrequencyShape }),
  ml_momentum: z.strictObject({ ...commonShape, ...mlShape(20) }),
  ml_mean_reversion: z.strictObject({ ...commonShape, ...mlShape(20) }),
  ml_breakout: z.strictObject({ ...commonShape, ...mlShape(30) }),
  hybrid_momentum: z.strictObject({
    ...commonShape,
    ...hybridShape(MomentumSchema.prefault({}), MlMomentumSchema.prefault({})),
  }),
  hybrid_mean_reversion: z.strictObject({
    ...commonShape,
    ...hybridShape(MeanReversionSchema.prefault({}), MlMeanReversionSchema.prefault({})),
  }),
} as const satisfies Record<StrategyType, z.ZodType>;

/** Typed parameters per strategy type. */
export type TypedParams =
  | { readonly type: 'momentum'; readonly rules: MomentumParams }
  | { readonly type: 'rsi'; readonly rules: RsiParams }
  | { readonly type: 'mean_reversion'; readonly rules: MeanReversionParams }
  | { readonly type: 'low_frequency_demo'; readonly lowFrequency: LowFrequencyParams }
  | { readonly type: 'ml_momentum' | 'ml_mean_reversion' | 'ml_breakout'; readonly ml: MlParams }
  | {
      readonly type: 'hybrid_momentum';
      readonly rules: MomentumParams;
      readonly ml: MlParams;
      readonly policy: HybridPolicy;
      readonly minMlConfidence: number;
    }
  | {
      readonly type: 'hybrid_mean_reversion';
      readonly rules: MeanReversionParams;
      readonly ml: MlParams;
      readonly policy: HybridPolicy;
      readonly minMlConfidence: number;
    };

/** Fully parsed parameters: type-specific part plus validator limits and order instructions. */
export type ParsedParams = TypedParams & { readonly limits: ValidatorLimits; readonly order: OrderSpec };

type Common = z.infer<z.ZodObject<typeof commonShape>>;
type RawMomentum = z.infer<typeof MomentumSchema>;
type RawMeanReversion = z.infer<typeof MeanReversionSchema>;
type RawRsi = z.infer<z.ZodObject<typeof rsiShape>>;
type RawMl = z.infer<typeof MlMomentumSchema>;

const toMomentum = (r: RawMomentum): MomentumParams => ({
  lookbackPeriods: r.lookback_periods,
  threshold: r.threshold,
  positionSize: r.position_size,
});
const toRsi = (r: RawRsi): RsiParams => ({
  rsiPeriod: r.rsi_period,
  oversold: r.rsi_oversold,
  overbought: r.rsi_overbought,
  positionSize: r.position_size,
});
const toMeanReversion = (r: RawMeanReversion): MeanReversionParams => ({
  ...toRsi(r),
  lookbackPeriods: r.lookback_periods,
  bollingerStd: r.bollinger_std,
});
const toMl = (kind: FeatureKind, r: RawMl): MlParams => ({
  kind,
  lookbackPeriods: r.lookback_periods,
  confidenceThreshold: r.confidence_threshold,
  positionSize: r.position_size,
  predictor: r.predictor,
  predictorParams: r.predictor_params,
});

function toOrderSpec(c: Common): OrderSpec {
  return {
    ...(c.order_type !== undefined ? { orderType: c.order_type } : {}),
    ...(c.tif !== undefined ? { tif: c.tif } : {}),
    ...(c.limit_price !== undefined ? { limitPrice: c.limit_price } : {}),
    ...(c.limit_offset_bps !== undefined ? { limitOffsetBps: c.limit_offset_bps } : {}),
    ...(c.stop_price !== undefined ? { stopPrice: c.stop_price } : {}),
    ...(c.take_profit_pct !== undefined ? { takeProfitBps: pctToBps(c.take_profit_pct) } : {}),
    ...(c.stop_loss_pct !== undefined ? { stopLossBps: pctToBps(c.stop_loss_pct) } : {}),
  };
}

// Converts raw zod output to typed params; the switch is exhaustive over StrategyType
function toTyped(type: StrategyType, d: Record<string, unknown>): TypedParams {
  switch (type) {
    case 'momentum':
      return { type, rules: toMomentum(d as RawMomentum) };
    case 'rsi':
      return { type, rules: toRsi(d as RawRsi) };
    case 'mean_reversion':
      return { type, rules: toMeanReversion(d as RawMeanReversion) };
    case 'low_frequency_demo': {
      const r = d as z.infer<z.ZodObject<typeof lowFrequencyShape>>;
      return {
        type,
        lowFrequency: {
          minIntervalSeconds: r.min_interval_seconds,
          maxDailySignalsPerInstrument: r.max_daily_signals_per_instrument,
          side: r.side,
          quantity: r.quantity,
        },
      };
    }
    case 'ml_momentum':
      return { type, ml: toMl('momentum', d as RawMl) };
    case 'ml_mean_reversion':
      return { type, ml: toMl('mean_reversion', d as RawMl) };
    case 'ml_breakout':
      return { type, ml: toMl('breakout', d as RawMl) };
    case 'hybrid_momentum':
    case 'hybrid_mean_reversion': {
      const policy = d['policy_type'] as HybridPolicy;
      const minMlConfidence = d['min_ml_confidence'] as number;
      const ml = d['ml_config'] as RawMl;
      return type === 'hybrid_momentum'
        ? { type, rules: toMomentum(d['rules_config'] as RawMomentum), ml: toMl('momentum', ml), policy, minMlConfidence }
        : {
            type,
            rules: toMeanReversion(d['rules_config'] as RawMeanReversion),
            ml: toMl('mean_reversion', ml),
            policy,
            minMlConfidence,
          };
    }
    default:
      return assertNever(type);
  }
}

/**
 * Parses and checks the params of a strategy of `type`. Field problems (zod) are reported all at
 * once; cross-field checks and predictor checks run when fields are individually valid.
 */
export function parseParams(
  type: StrategyType,
  raw: unknown,
  predictors: PredictorRegistry,
): Result<ParsedParams, readonly string[]> {
  const parsed = SCHEMAS[type].safeParse(raw ?? {});
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((i) => {
        // The original's ML strategies loaded joblib files; say what replaces them
        const hint = i.code === 'unrecognized_keys' && i.keys.includes('model_path') ? ' (model files are not supported: use predictor and predictor_params)' : '';
        return `${['params', ...i.path.map(String)].join('.')}: ${i.message}${hint}`;
      }),
    );
  }
  const data = parsed.data as Common & Record<string, unknown>;
  const typed = toTyped(type, data);
  const params: ParsedParams = {
    ...typed,
    limits: { maxConfidence: data.max_confidence, minQuantity: data.min_quantity },
    order: toOrderSpec(data),
  };
  const problems = crossFieldProblems(params, predictors);
  return problems.length > 0 ? err(problems) : ok(params);
}
