// Environment overlay: maps env vars onto config paths and coerces their string values.
// Naming rule: <SECTION>__<FIELD> in SCREAMING_SNAKE (nested objects add another `__`), with the
// section prefixes of the original (PAPER_TRADING, MARKET_FEED, MONITORING, API, ...) plus the
// original's own names as aliases (ACTIVE_BROKERS, LOG_LEVEL, TRADING__PAPER__ENABLED, ...).
// Names match case-insensitively; empty values count as unset. A name under one of these prefixes
// that no key reads is an error with "did you mean" (unknownEnvVars), so a typo never silently
// leaves the default in place. applyDotEnv fills unset names from ./.env first.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { closest } from '../did-you-mean.js';
import { err, ok, type Result } from '../errors.js';
import { formatPath, type ConfigError } from './config-error.js';
import { ConfigObject } from './schema.js';

/** How an env string is turned into a config value (derived from the field's zod schema). */
export type EnvKind =
  | { readonly type: 'string' }
  | { readonly type: 'number' }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum' }
  | { readonly type: 'list'; readonly element: 'string' | 'number' | 'enum' }
  | { readonly type: 'json' };

/** One accepted env name for a path; `scale` converts the original's units (seconds → ms). */
export interface EnvName {
  readonly name: string;
  readonly scale?: number;
}

/** Every env name that can set one config leaf, in priority order (the first one set wins). */
export interface EnvBinding {
  readonly path: readonly string[];
  readonly names: readonly EnvName[];
  readonly kind: EnvKind;
}

/** Env prefix of each config section (the original's names where it had one). */
const SECTION_PREFIX: Readonly<Record<string, string>> = {
  app: 'APP',
  brokers: 'BROKERS',
  zerodha: 'ZERODHA',
  runtime: 'RUNTIME',
  store: 'STORE',
  feed: 'MARKET_FEED',
  strategies: 'STRATEGIES',
  risk: 'RISK',
  paper: 'PAPER_TRADING',
  portfolio: 'PORTFOLIO',
  monitor: 'MONITORING',
  gateway: 'API',
  cluster: 'CLUSTER',
};

/** The original's names, accepted after the generic name; monitor times were seconds there. */
const ALIASES: readonly { readonly path: string; readonly name: string; readonly scale?: number }[] = [
  { path: 'app.environment', name: 'ENVIRONMENT' },
  { path: 'app.dataDir', name: 'DATA_DIR' },
  { path: 'app.logLevel', name: 'LOGGING__LEVEL' },
  { path: 'app.logLevel', name: 'LOG_LEVEL' },
  { path: 'app.redactKeys', name: 'LOGGING__REDACT_KEYS' },
  { path: 'brokers.active', name: 'ACTIVE_BROKERS' },
  { path: 'brokers.paperEnabled', name: 'TRADING__PAPER__ENABLED' },
  { path: 'brokers.zerodhaEnabled', name: 'TRADING__ZERODHA__ENABLED' },
  { path: 'brokers.zerodhaEnabled', name: 'ZERODHA__ENABLED' },
  { path: 'feed.market24x7', name: 'MARKET_FEED__MARKET_24X7' },
  { path: 'feed.queueMaxSize', name: 'MARKET_FEED__QUEUE_MAXSIZE' },
  { path: 'monitor.intervalMs', name: 'MONITORING__HEALTH_CHECK_INTERVAL', scale: 1000 },
  { path: 'monitor.startupGraceMs', name: 'MONITORING__STARTUP_GRACE_PERIOD_SECONDS', scale: 1000 },
  { path: 'monitor.marketDataLatencyThresholdMs', name: 'MONITORING__MARKET_DATA_LATENCY_THRESHOLD', scale: 1000 },
];

// Minimal view of zod v4's public `_zod.def`, enough to walk the schema tree
interface Def {
  readonly type: string;
  readonly innerType?: Node;
  readonly shape?: Readonly<Record<string, Node>>;
  readonly element?: Node;
  readonly in?: Node;
  readonly out?: Node;
  readonly options?: readonly Node[];
}
interface Node {
  readonly _zod: { readonly def: Def };
}
const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** Strips wrappers; a preprocess pipe yields its target, a transform pipe its source. */
function unwrap(node: Node): Def {
  let def = node._zod.def;
  for (;;) {
    if (WRAPPERS.has(def.type) && def.innerType) def = def.innerType._zod.def;
    else if (def.type === 'pipe' && def.in && def.out) def = (def.in._zod.def.type === 'transform' ? def.out : def.in)._zod.def;
    else return def;
  }
}

function scalarKind(def: Def): 'string' | 'number' | 'boolean' | 'enum' | undefined {
  switch (def.type) {
    case 'string':
    case 'literal':
      return 'string';
    case 'number':
    case 'boolean':
    case 'enum':
      return def.type;
    case 'union':
      return (def.options ?? []).every((o) => ['string', 'number'].includes(unwrap(o).type)) ? 'string' : undefined;
    default:
      return undefined;
  }
}

function kindOf(def: Def): EnvKind {
  if (def.type === 'array' && def.element) {
    const element = scalarKind(unwrap(def.element));
    return element === 'string' || element === 'number' || element === 'enum' ? { type: 'list', element } : { type: 'json' };
  }
  const scalar = scalarKind(def);
  return scalar === undefined ? { type: 'json' } : { type: scalar };
}

const screaming = (camel: string): string => camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function walk(node: Node, path: string[], prefix: string, out: EnvBinding[]): void {
  const def = unwrap(node);
  if (def.type === 'object' && def.shape) {
    for (const [key, child] of Object.entries(def.shape)) {
      const childPrefix = path.length === 0 ? SECTION_PREFIX[key] : `${prefix}__${screaming(key)}`;
      walk(child, [...path, key], childPrefix ?? screaming(key), out);
    }
    return;
  }
  const dotted = path.join('.');
  const aliases = ALIASES.filter((a) => a.path === dotted).map((a) => (a.scale === undefined ? { name: a.name } : { name: a.name, scale: a.scale }));
  out.push({ path, names: [{ name: prefix }, ...aliases], kind: kindOf(def) });
}

let bindingsCache: readonly EnvBinding[] | undefined;

/** Every env binding, derived once from the schema (so every config leaf is settable from env). */
export function envBindings(): readonly EnvBinding[] {
  if (bindingsCache === undefined) {
    const out: EnvBinding[] = [];
    walk(ConfigObject as unknown as Node, [], '', out);
    bindingsCache = out;
  }
  return bindingsCache;
}

type Coerced = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function coerceScalar(raw: string, type: 'string' | 'number' | 'boolean' | 'enum', shown: string): Coerced {
  const t = raw.trim();
  switch (type) {
    case 'string':
      return { ok: true, value: t };
    case 'enum':
      return { ok: true, value: t.toLowerCase() };
    case 'number': {
      const n = t === '' ? Number.NaN : Number(t);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `expected a number, was ${shown}` };
    }
    case 'boolean': {
      const l = t.toLowerCase();
      if (TRUE.has(l)) return { ok: true, value: true };
      if (FALSE.has(l)) return { ok: true, value: false };
      return { ok: false, message: `expected true/false (or 1/0, yes/no, on/off), was ${shown}` };
    }
  }
}

function coerce(raw: string, kind: EnvKind, secret: boolean): Coerced {
  // Never echo a secret's value into an error message (it would end up in logs)
  const shown = secret ? '<hidden>' : JSON.stringify(raw);
  const t = raw.trim();
  if (kind.type === 'json' || (kind.type === 'list' && t.startsWith('['))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return { ok: false, message: `expected JSON${kind.type === 'list' ? ' list or a comma list' : ''}, was ${shown}` };
    }
    if (kind.type === 'list' && !Array.isArray(parsed)) return { ok: false, message: `expected a JSON list, was ${shown}` };
    return { ok: true, value: parsed };
  }
  if (kind.type !== 'list') return coerceScalar(raw, kind.type, shown);
  const items: unknown[] = [];
  for (const part of t.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const c = coerceScalar(part, kind.element, secret ? '<hidden>' : JSON.stringify(part));
    if (!c.ok) return { ok: false, message: `list item: ${c.message}` };
    items.push(c.value);
  }
  return { ok: true, value: items };
}

/** Result of reading the environment: a nested partial config plus where each value came from. */
export interface EnvOverlay {
  readonly values: Record<string, unknown>;
  /** formatPath(path) → env var name, for every value set from the environment. */
  readonly sources: ReadonlyMap<string, string>;
  readonly errors: readonly ConfigError[];
}

const SECRET_NAME = /SECRET|TOKEN|KEY|PASSWORD/;

/** Reads every bound env var; a value that cannot be coerced becomes an error and is not applied. */
export function readEnvOverlay(env: Readonly<Record<string, string | undefined>>): EnvOverlay {
  const byUpper = new Map<string, { name: string; value: string }>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    const upper = name.toUpperCase();
    // Several spellings of one name: the all-caps one wins, as it is the documented form
    if (!byUpper.has(upper) || name === upper) byUpper.set(upper, { name, value });
  }
  const values: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const errors: ConfigError[] = [];
  for (const binding of envBindings()) {
    const hit = binding.names.map((n) => ({ n, v: byUpper.get(n.name) })).find((x) => x.v !== undefined);
    if (hit?.v === undefined) continue;
    const path = formatPath(binding.path);
    const c = coerce(hit.v.value, binding.kind, SECRET_NAME.test(hit.n.name));
    if (!c.ok) {
      errors.push({ code: 'ERR_CONFIG_INVALID', path, env: hit.v.name, message: c.message });
      continue;
    }
    const value = hit.n.scale !== undefined && typeof c.value === 'number' ? Math.round(c.value * hit.n.scale) : c.value;
    setPath(values, binding.path, value);
    sources.set(path, hit.v.name);
  }
  return { values, sources, errors };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
}

/** Value of LOG_FORMAT (read by src/log.ts in every thread); validated here with the config. */
export const LOG_FORMAT_ENV = 'LOG_FORMAT';
export const LOG_FORMATS = ['pretty', 'json'] as const;

/** Name prefixes owned by this project: the section prefixes and those of the original's aliases. */
export function projectEnvPrefixes(): readonly string[] {
  const prefixes = new Set(Object.values(SECTION_PREFIX).map((p) => `${p}__`));
  for (const a of ALIASES) {
    const cut = a.name.indexOf('__');
    if (cut > 0) prefixes.add(a.name.slice(0, cut + 2));
  }
  // ALPHA_PANDA_CONFIG names the config file; any other ALPHA_PANDA_* is a typo of it
  prefixes.add('ALPHA_PANDA_');
  return [...prefixes];
}

/**
 * Env vars that look like ours (under a project prefix, any case) but that no config key reads:
 * a typo there would otherwise be ignored silently and the default used. Each becomes an error
 * with the closest known name. `extraKnown` adds names read elsewhere (ALPHA_PANDA_CONFIG).
 */
export function unknownEnvVars(env: Readonly<Record<string, string | undefined>>, extraKnown: readonly string[] = []): ConfigError[] {
  const known = new Set([...envBindings().flatMap((b) => b.names.map((n) => n.name)), ...extraKnown]);
  const prefixes = projectEnvPrefixes();
  const errors: ConfigError[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    const upper = name.toUpperCase();
    if (known.has(upper) || !prefixes.some((p) => upper.startsWith(p))) continue;
    // Suggest among the names under the same prefix first (API__PROT → API__PORT), else any name
    const prefix = prefixes.find((p) => upper.startsWith(p)) ?? '';
    const near = [...known].filter((k) => k.startsWith(prefix));
    const hint = closest(upper, near) ?? closest(upper, known);
    errors.push({
      code: 'ERR_CONFIG_INVALID',
      path: '',
      env: name,
      message: `unknown environment variable under the project's ${prefix} prefix${hint === undefined ? ' (README "Configuration" lists every name)' : ` (did you mean ${hint}?)`}`,
    });
  }
  return errors;
}

/** LOG_FORMAT, when set, must be one of LOG_FORMATS (unset = pretty on a terminal, json otherwise). */
export function checkLogFormat(env: Readonly<Record<string, string | undefined>>): ConfigError[] {
  const entry = Object.entries(env).find(([k, v]) => k.toUpperCase() === LOG_FORMAT_ENV && v !== undefined && v.trim() !== '');
  if (entry === undefined) return [];
  const [name, value] = entry as [string, string];
  if ((LOG_FORMATS as readonly string[]).includes(value.trim().toLowerCase())) return [];
  return [{ code: 'ERR_CONFIG_INVALID', path: '', env: name, message: `expected ${LOG_FORMATS.join(' or ')}, was ${JSON.stringify(value)}` }];
}

/** File of KEY=value lines read at start-up from the working directory. */
export const DOTENV_FILE = '.env';

/** What applyDotEnv did: the file read and the names it set (real env vars are never overwritten). */
export interface DotEnvApplied {
  readonly path: string;
  readonly names: ReadonlySet<string>;
}

/**
 * Reads `<cwd>/.env` (Node's own parser, util.parseEnv: KEY=value, # comments, quotes, `export`)
 * and sets each name that the environment does not already have — the real environment wins, so
 * `API__PORT=8081 npm start` overrides the file. Undefined when there is no file.
 */
export function applyDotEnv(env: Record<string, string | undefined>, cwd: string): Result<DotEnvApplied | undefined, ConfigError> {
  const path = resolve(cwd, DOTENV_FILE);
  if (!existsSync(path)) return ok(undefined);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: unknown) {
    return err({ code: 'ERR_CONFIG_FILE', path: '', file: path, message: `cannot read file: ${(e as Error).message}` });
  }
  const names = new Set<string>();
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || env[name] !== undefined) continue;
    env[name] = value;
    names.add(name);
  }
  return ok({ path, names });
}
