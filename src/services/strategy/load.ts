// Strategies file → strategy engine, for the strategy-runner actor. Reads YAML or JSON (by file
// extension), validates every entry at once (src/domain/strategy), keeps the strategies whose broker
// is active and builds the engine. Every problem comes back as a catalogued value; the actor logs
// each one and refuses to start with one summary error (a bad file is a start-up error).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { appError, err, formatMessage, ok, type AlphaPandaError, type Result } from '../../errors.js';
import type { TradableLookup } from '../../domain/instruments/index.js';
import {
  checkStrategyInstruments,
  createStrategyEngine,
  parseStrategiesDocument,
  type EngineOptions,
  type StrategyConfig,
  type StrategyConfigError,
  type StrategyEngine,
} from '../../domain/strategy/index.js';
import type { Broker } from '../../domain/types.js';

/** Label used as `strategyId` for problems of the file itself (unreadable, bad syntax). */
export const FILE_LABEL = '(file)';

/** Most problems listed in the thrown summary; the log has every one. */
export const SUMMARY_MAX_PROBLEMS = 20;

/** `.json` files are parsed as JSON; anything else as YAML. */
export function strategiesFormat(path: string): 'json' | 'yaml' {
  return extname(path).toLowerCase() === '.json' ? 'json' : 'yaml';
}

const firstLine = (s: string): string => s.split('\n', 1)[0] ?? s;

/** Parses the text of a strategies file and validates the document (all problems at once). */
export function parseStrategiesText(text: string, path: string): Result<StrategyConfig[], StrategyConfigError[]> {
  const fileError = (reason: string): StrategyConfigError => ({ code: 'ERR_STRATEGY_CONFIG', strategyId: FILE_LABEL, reason: `${path}: ${reason}` });
  let doc: unknown;
  if (strategiesFormat(path) === 'json') {
    try {
      doc = JSON.parse(text) as unknown;
    } catch (e) {
      return err([fileError(`invalid JSON: ${(e as Error).message}`)]);
    }
  } else {
    const parsed = parseDocument(text);
    if (parsed.errors.length > 0) return err(parsed.errors.map((e) => fileError(`invalid YAML: ${firstLine(e.message)}`)));
    try {
      doc = parsed.toJS() as unknown;
    } catch (e) {
      // e.g. too many alias expansions (a "billion laughs" document)
      return err([fileError(`invalid YAML: ${firstLine((e as Error).message)}`)]);
    }
  }
  return parseStrategiesDocument(doc);
}

/** Reads and validates a strategies file; an unreadable file is one ERR_STRATEGY_CONFIG problem. */
export function readStrategiesFile(
  path: string,
  read: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): Result<StrategyConfig[], StrategyConfigError[]> {
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    return err([{ code: 'ERR_STRATEGY_CONFIG', strategyId: FILE_LABEL, reason: `cannot read ${path}: ${(e as Error).message}` }]);
  }
  return parseStrategiesText(text, path);
}

/** A valid strategy that does not run, and why. */
export interface SkippedStrategy {
  readonly config: StrategyConfig;
  readonly reason: string;
}

/** What the runner works with: the engine over the runnable strategies, and the skipped ones. */
export interface RunnerSetup {
  readonly engine: StrategyEngine;
  /** Every configured strategy in file order (runnable and skipped). */
  readonly configs: readonly StrategyConfig[];
  readonly skipped: readonly SkippedStrategy[];
}

/**
 * Builds the engine over the strategies whose broker is active. A strategy of an inactive broker
 * is skipped, not an error: one strategies file serves paper-only and live set-ups alike. With the
 * registry's `tradable` lookup, a strategy listing an instrument that may not be ordered (an index,
 * an unknown token) makes the file invalid.
 */
export function buildRunner(
  configs: readonly StrategyConfig[],
  activeBrokers: readonly Broker[],
  opts: EngineOptions = {},
  tradable?: TradableLookup,
): Result<RunnerSetup, StrategyConfigError[]> {
  const refused = checkStrategyInstruments(configs, tradable);
  if (refused.length > 0) return err(refused);
  const runnable: StrategyConfig[] = [];
  const skipped: SkippedStrategy[] = [];
  for (const c of configs) {
    if (activeBrokers.includes(c.broker)) runnable.push(c);
    else skipped.push({ config: c, reason: `broker "${c.broker}" is not active (${activeBrokers.join(', ') || 'none'})` });
  }
  const engine = createStrategyEngine(runnable, opts);
  if (!engine.ok) return engine;
  return ok({ engine: engine.value, configs, skipped });
}

/** One problem as `CODE: message`, the form used in logs and the start-up summary. */
export function describeConfigError(e: StrategyConfigError): string {
  return `${e.code}: ${formatMessage(e.code, e)}`;
}

/** The single error the runner throws when the strategies file is not usable. */
export function strategiesStartupError(path: string, errors: readonly StrategyConfigError[]): AlphaPandaError {
  const listed = errors.slice(0, SUMMARY_MAX_PROBLEMS).map(describeConfigError);
  const more = errors.length > listed.length ? `; and ${errors.length - listed.length} more (see the log)` : '';
  const noun = errors.length === 1 ? 'problem' : 'problems';
  return appError('ERR_STRATEGY_CONFIG', {
    strategyId: '*',
    reason: `strategies file ${path} has ${errors.length} ${noun}: ${listed.join('; ')}${more}`,
    file: path,
    codes: [...new Set(errors.map((e) => e.code))],
  });
}
