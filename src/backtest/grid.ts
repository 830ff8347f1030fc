// Parameter grids for sweeps: axes `key = v1, v2, …` (keys may be dotted paths into nested params,
// e.g. `rules_config.threshold`), their cartesian product in a stable order (first axis slowest),
// and a strategy config with one combination written into its params. PURE.
import type { StrategyConfig } from '../domain/strategy/index.js';

/** A scalar a parameter can take on the command line. */
export type ParamValue = number | string | boolean;

/** One swept parameter and its values, in the order given. */
export interface ParamAxis {
  readonly key: string;
  readonly values: readonly ParamValue[];
}

/** One combination: key → value, keys in axis order. */
export type ParamSet = Readonly<Record<string, ParamValue>>;

/** `"0.002"` → 0.002, `"true"` → true, anything else stays a string (e.g. `limit`). */
export function parseParamValue(text: string): ParamValue {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Number of combinations of `axes` (1 for no axes: the strategy as configured). */
export function gridSize(axes: readonly ParamAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Every combination, first axis varying slowest; one empty set when there are no axes. */
export function expandGrid(axes: readonly ParamAxis[]): ParamSet[] {
  let out: Record<string, ParamValue>[] = [{}];
  for (const axis of axes) {
    const next: Record<string, ParamValue>[] = [];
    for (const partial of out) for (const v of axis.values) next.push({ ...partial, [axis.key]: v });
    out = next;
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of `config` with each `key` of `set` written into its params (dotted keys create or walk
 * nested objects; the config itself is never mutated). Validation is left to the strategy parser.
 */
export function withParams(config: StrategyConfig, set: ParamSet): StrategyConfig {
  const params: Record<string, unknown> = structuredClone({ ...config.params });
  for (const [key, value] of Object.entries(set)) {
    const path = key.split('.');
    let node: Record<string, unknown> = params;
    for (const part of path.slice(0, -1)) {
      const child = node[part];
      if (!isRecord(child)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return { ...config, params };
}

/** `threshold=0.002 lookback_periods=10` style label of a set. */
export function describeSet(set: ParamSet): string {
  const parts = Object.entries(set).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length === 0 ? '(as configured)' : parts.join(' ');
}
