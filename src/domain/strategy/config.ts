// Strategy configuration: the envelope every strategy has (id, type, broker, instruments, params,
// enabled), document parsing for src/defaults/strategies.yaml, and whole-set validation that
// reports EVERY problem at once (all strategies, all fields) as catalogued error values.
import { z } from 'zod';
import { err, ok, type Result } from '../../errors.js';
import type { Broker } from '../types.js';
import { parseParams, type ParsedParams } from './params.js';
import { createPredictorRegistry, type PredictorRegistry } from './predictor.js';
import { configError, isStrategyType, STRATEGY_TYPES, type StrategyConfigError, type StrategyType } from './types.js';

/** One configured strategy (params are type-specific and validated separately). */
export interface StrategyConfig {
  /** Unique; appears in message keys `{id}:{token}`, hence no ':' (letters, digits, `_ . -`). */
  readonly id: string;
  readonly type: string;
  /** Each strategy targets exactly one broker (docs/original-system.md §4.5). */
  readonly broker: Broker;
  /** Instrument tokens whose ticks this strategy receives. */
  readonly instruments: readonly number[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
}

/** A config whose envelope and params are valid. */
export interface ParsedStrategy {
  readonly config: StrategyConfig;
  readonly type: StrategyType;
  readonly params: ParsedParams;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const EnvelopeSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, 'expected 1-64 letters, digits, "_", "." or "-"'),
  type: z.string().min(1),
  broker: z.enum(['paper', 'zerodha']).default('paper'),
  instruments: z.array(z.number().int().positive()).min(1),
  params: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
});

const DocumentSchema = z.strictObject({
  version: z.literal(1).optional(),
  strategies: z.array(z.unknown()),
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Validates one entry; the params are checked even when the envelope is broken, so a user sees
// all problems of the entry in one pass
function parseEntry(raw: unknown, index: number, predictors: PredictorRegistry): Result<ParsedStrategy, StrategyConfigError[]> {
  const rec = isRecord(raw) ? raw : {};
  const label = typeof rec['id'] === 'string' && rec['id'] !== '' ? rec['id'] : `#${index}`;
  const errors: StrategyConfigError[] = [];
  const env = EnvelopeSchema.safeParse(raw);
  if (!env.success) {
    for (const i of env.error.issues) errors.push(configError(label, `${i.path.map(String).join('.') || '(entry)'}: ${i.message}`));
  }
  const typeName = rec['type'];
  let params: ParsedParams | undefined;
  if (typeof typeName === 'string' && typeName !== '') {
    if (!isStrategyType(typeName)) {
      errors.push({ code: 'ERR_STRATEGY_UNKNOWN_TYPE', strategyId: label, type: typeName, available: STRATEGY_TYPES.join(', ') });
    } else {
      const p = parseParams(typeName, rec['params'], predictors);
      if (p.ok) params = p.value;
      else for (const reason of p.error) errors.push(configError(label, reason));
    }
  }
  if (env.success) {
    const seen = new Set<number>();
    for (const t of env.data.instruments) {
      if (seen.has(t)) errors.push(configError(label, `instruments: token ${t} is listed twice`));
      seen.add(t);
    }
  }
  if (errors.length > 0 || !env.success || params === undefined) return err(errors);
  return ok({ config: env.data, type: params.type, params });
}

/**
 * Validates a list of strategy configs (untrusted: from YAML, JSON or a database). Returns every
 * problem of every entry, plus duplicate ids; on success the configs carry envelope defaults.
 */
export function parseStrategies(
  entries: readonly unknown[],
  predictors: PredictorRegistry = createPredictorRegistry(),
): Result<ParsedStrategy[], StrategyConfigError[]> {
  const parsed: ParsedStrategy[] = [];
  const errors: StrategyConfigError[] = [];
  const ids = new Set<string>();
  entries.forEach((raw, index) => {
    const r = parseEntry(raw, index, predictors);
    if (r.ok) {
      if (ids.has(r.value.config.id)) errors.push(configError(r.value.config.id, 'id: used by more than one strategy'));
      ids.add(r.value.config.id);
      parsed.push(r.value);
    } else {
      errors.push(...r.error);
    }
  });
  return errors.length > 0 ? err(errors) : ok(parsed);
}

/**
 * Validates a parsed strategies document (`yaml.parse` / `JSON.parse` output) of shape
 * `{ version?: 1, strategies: StrategyConfig[] }` and returns the configs with defaults applied.
 */
export function parseStrategiesDocument(
  doc: unknown,
  predictors: PredictorRegistry = createPredictorRegistry(),
): Result<StrategyConfig[], StrategyConfigError[]> {
  const d = DocumentSchema.safeParse(doc);
  if (!d.success) {
    return err(d.error.issues.map((i) => configError('(document)', `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)));
  }
  const r = parseStrategies(d.data.strategies, predictors);
  return r.ok ? ok(r.value.map((s) => s.config)) : r;
}
