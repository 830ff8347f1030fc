// The ONE schema of the whole application config: sections, cross-field rules and derived defaults.
// Cross-field rules run even when other fields are invalid (zod `when`), so every error is reported
// at once; they therefore read the partly-parsed value defensively.

import { join } from 'node:path';
import { z } from 'zod';
import {
  AppSection,
  BrokersSection,
  ClusterSection,
  FeedSection,
  GatewaySection,
  MonitorSection,
  PaperSection,
  PortfolioSection,
  RiskSection,
  RuntimeSection,
  StoreSection,
  StrategiesSection,
  ZerodhaSection,
} from './sections.js';

/** The config object before cross-field rules and derived defaults (walked by env.ts for env names). */
export const ConfigObject = z.strictObject({
  app: AppSection.prefault({}),
  brokers: BrokersSection.prefault({}),
  zerodha: ZerodhaSection.prefault({}),
  runtime: RuntimeSection.prefault({}),
  store: StoreSection.prefault({}),
  feed: FeedSection.prefault({}),
  strategies: StrategiesSection.prefault({}),
  risk: RiskSection.prefault({}),
  paper: PaperSection.prefault({}),
  portfolio: PortfolioSection.prefault({}),
  monitor: MonitorSection.prefault({}),
  gateway: GatewaySection.prefault({}),
  cluster: ClusterSection.prefault({}),
  /** Period of the main thread's one-line summary log; 0 disables it. */
  summaryIntervalMs: z.number().int().min(0).default(5000),
});

type BaseConfig = z.output<typeof ConfigObject>;
type Issue = { readonly path: (string | number)[]; readonly message: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const rec = (v: unknown): Readonly<Record<string, unknown>> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Rules that involve more than one field. The value may hold invalid leaves or sections (already
 * reported by their own schemas), so every read is type-checked and a rule whose inputs are
 * invalid stays silent.
 */
export function crossFieldIssues(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const c = rec(value);
  const brokers = rec(c['brokers']);
  const zerodha = rec(c['zerodha']);
  const feed = rec(c['feed']);
  const paper = rec(c['paper']);
  const runtime = rec(c['runtime']);
  const active = list(brokers['active']);

  const seen = new Set<unknown>();
  for (const b of active) {
    if (seen.has(b)) issues.push({ path: ['brokers', 'active'], message: `expected each broker once, "${String(b)}" is listed twice` });
    seen.add(b);
  }
  if (active.includes('zerodha') || brokers['zerodhaEnabled'] === true) {
    if (!str(zerodha['apiKey'])) issues.push({ path: ['zerodha', 'apiKey'], message: 'required when zerodha is active or enabled' });
    if (!str(zerodha['apiSecret'])) issues.push({ path: ['zerodha', 'apiSecret'], message: 'required when zerodha is active or enabled' });
  }
  const enabled: Record<string, unknown> = { paper: brokers['paperEnabled'], zerodha: brokers['zerodhaEnabled'] };
  if (active.length > 0 && active.every((b) => enabled[String(b)] === false)) {
    issues.push({
      path: ['brokers', 'active'],
      message: `expected at least one active broker to be enabled, none of ${active.join(', ')} is`,
    });
  }

  if (feed['source'] === 'kite') {
    if (!str(zerodha['apiKey'])) issues.push({ path: ['zerodha', 'apiKey'], message: 'required when feed.source is "kite"' });
    if (!str(zerodha['accessToken'])) issues.push({ path: ['zerodha', 'accessToken'], message: 'required when feed.source is "kite" (npm run kite-sandbox prints one)' });
  }
  if (feed['source'] === 'replay' && !str(feed['replayFile'])) {
    issues.push({ path: ['feed', 'replayFile'], message: 'required when feed.source is "replay"' });
  }
  if (str(feed['recordFile']) !== undefined && feed['recordFile'] === feed['replayFile']) {
    issues.push({ path: ['feed', 'recordFile'], message: 'expected a file other than feed.replayFile (recording would overwrite it)' });
  }

  const minQ = num(paper['minQuantity']);
  const maxQ = num(paper['maxQuantity']);
  if (minQ !== undefined && maxQ !== undefined && minQ > maxQ) {
    issues.push({ path: ['paper', 'maxQuantity'], message: `expected >= paper.minQuantity (${minQ}), was ${maxQ}` });
  }
  const minP = num(paper['minPrice']);
  const maxP = num(paper['maxPrice']);
  if (minP !== undefined && maxP !== undefined && minP > maxP) {
    issues.push({ path: ['paper', 'maxPrice'], message: `expected >= paper.minPrice (${minP}), was ${maxP}` });
  }

  const restart = rec(runtime['restart']);
  const base = num(restart['backoffBaseMs']);
  const max = num(restart['backoffMaxMs']);
  if (base !== undefined && max !== undefined && base > max) {
    issues.push({ path: ['runtime', 'restart', 'backoffMaxMs'], message: `expected >= runtime.restart.backoffBaseMs (${base}), was ${max}` });
  }
  const hb = num(runtime['heartbeatMs']);
  const hang = num(runtime['hangTimeoutMs']);
  if (hb !== undefined && hang !== undefined && hang <= 2 * hb) {
    // One late heartbeat (GC pause, busy tick burst) must not be mistaken for a hang
    issues.push({ path: ['runtime', 'hangTimeoutMs'], message: `expected > 2 × runtime.heartbeatMs (${2 * hb}), was ${hang}` });
  }

  const tokens = new Set<string>();
  const names = new Set<string>();
  list(rec(c['gateway'])['tokens']).forEach((t, i) => {
    const { token, name } = rec(t);
    if (typeof token === 'string') {
      if (tokens.has(token)) issues.push({ path: ['gateway', 'tokens', i, 'token'], message: 'expected unique tokens, this one repeats an earlier one' });
      tokens.add(token);
    }
    if (typeof name === 'string') {
      if (names.has(name)) issues.push({ path: ['gateway', 'tokens', i, 'name'], message: `expected unique token names, "${name}" repeats` });
      names.add(name);
    }
  });
  return issues;
}

/** Fills defaults that depend on other fields (see the field comments in sections.ts). */
function deriveDefaults(c: BaseConfig) {
  return {
    ...c,
    runtime: {
      ...c.runtime,
      tickRingPolicy: c.runtime.tickRingPolicy ?? (c.feed.source === 'replay' ? 'block' : 'drop'),
      topology: c.runtime.topology ?? 'split',
    },
    store: { ...c.store, path: c.store.path ?? join(c.app.dataDir, 'lmdb') },
    feed: { ...c.feed, market24x7: c.feed.market24x7 ?? c.feed.source === 'synthetic' },
  };
}

/** The full application config schema: parse input → validated, defaulted, derived AppConfig. */
export const AppConfigSchema = ConfigObject.check(
  z.superRefine<BaseConfig>(
    (value, ctx) => {
      for (const issue of crossFieldIssues(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: undefined });
    },
    { when: () => true },
  ),
).transform(deriveDefaults);

type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The validated application config (deeply readonly; loadConfig also freezes it). */
export type AppConfig = DeepReadonly<z.output<typeof AppConfigSchema>>;

/** Recursively freezes a plain data tree. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The config an empty file and an empty environment produce (paths still relative to the cwd). */
export function defaultConfig(): AppConfig {
  return deepFreeze(AppConfigSchema.parse({}));
}
