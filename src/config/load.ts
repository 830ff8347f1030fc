// Loads the config: optional file (--config <file> or ALPHA_PANDA_CONFIG; JSON or YAML), overlaid by
// environment variables (env wins; entry points first fill unset ones from ./.env), validated by
// the one schema; an unknown variable under a project prefix is an error too. Every problem is collected and
// returned together. Relative paths in the result are resolved against the given cwd.

import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { scanCli, type CliSpec } from '../cli.js';
import { err, ok, type Result } from '../errors.js';
import { formatPath, type ConfigError } from './config-error.js';
import { applyDotEnv, checkLogFormat, readEnvOverlay, unknownEnvVars, type DotEnvApplied } from './env.js';
import { AppConfigSchema, deepFreeze, type AppConfig } from './schema.js';

/** Everything loadConfig reads from the process, passed in so tests control it. */
export interface LoadConfigInput {
  /** Command-line arguments (process.argv.slice(2)); only `--config <file>` / `--config=<file>` is read. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base for the config file path and for every relative path in the config. */
  readonly cwd: string;
  /** The .env file applyDotEnv read into `env`: errors about its names point at the file. */
  readonly dotEnv?: DotEnvApplied;
}

/** Env var naming the config file when no --config argument is given. */
export const CONFIG_ENV = 'ALPHA_PANDA_CONFIG';

const fileError = (message: string, file?: string): ConfigError =>
  file === undefined ? { code: 'ERR_CONFIG_FILE', path: '', message } : { code: 'ERR_CONFIG_FILE', path: '', message, file };

/** Options of the main job (`npm start -- ...`): one table for the parser and `--help`. */
export const MAIN_CLI = {
  command: 'npm start --',
  summary:
    'Runs Alpha Panda: the supervision tree (feed, strategies, risk, paper trading, portfolio, monitor)\n' +
    'and the gateway with the dashboard. Settings come from a config file, then .env, then the\n' +
    'environment (which wins); README "Configuration" lists every key and variable.',
  options: {
    config: { type: 'string', arg: '<file>', help: `config file, JSON or YAML (or env ${CONFIG_ENV})` },
    node: { type: 'string', arg: '<name>', help: 'run the part of the tree placed on this node (cluster.placement; or env CLUSTER__NODE)' },
  },
  notes:
    'environment:\n' +
    '  <SECTION>__<FIELD>   any config key, e.g. MARKET_FEED__TICKS_PER_SECOND=5000, API__PORT=8081\n' +
    '  LOG_FORMAT           pretty (default on a terminal) or json (default when piped)\n' +
    '  .env                 KEY=value lines in the working directory; real env vars win over it',
} as const satisfies CliSpec;

/** The config file to read: `--config` wins over ALPHA_PANDA_CONFIG; undefined when neither is set. */
export function findConfigFile(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Result<string | undefined, ConfigError> {
  // The shared parser (src/cli.ts): `--config f` / `--config=f`; any other argument is refused
  const scan = scanCli(MAIN_CLI, argv);
  const first = scan.problems[0];
  if (first !== undefined) {
    return err(first.path === '--config' ? fileError('expected a file after --config') : { code: 'ERR_CONFIG_INVALID', path: first.path, message: first.message });
  }
  if (scan.values.config !== undefined) return scan.values.config === '' ? err(fileError('expected a file after --config=')) : ok(scan.values.config);
  const fromEnv = Object.entries(env).find(([k, v]) => k.toUpperCase() === CONFIG_ENV && v !== undefined && v.trim() !== '');
  return ok(fromEnv?.[1]?.trim());
}

/** Reads and parses a config file into a plain object (an empty YAML file is an empty config). */
export function readConfigFile(file: string): Result<Record<string, unknown>, ConfigError[]> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    return err([fileError(`expected a .json, .yaml or .yml file, was "${ext || '(no extension)'}"`, file)]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: unknown) {
    return err([fileError(`cannot read file: ${(e as Error).message}`, file)]);
  }
  let data: unknown;
  if (ext === '.json') {
    try {
      data = JSON.parse(text);
    } catch (e: unknown) {
      return err([fileError(`invalid JSON: ${(e as Error).message}`, file)]);
    }
  } else {
    const doc = parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) return err(doc.errors.map((e) => fileError(`invalid YAML: ${e.message}`, file)));
    data = doc.toJS();
  }
  if (data === null || data === undefined) return ok({});
  if (typeof data !== 'object' || Array.isArray(data)) {
    return err([fileError(`expected a mapping of sections at the top level, was ${Array.isArray(data) ? 'a list' : typeof data}`, file)]);
  }
  return ok(data as Record<string, unknown>);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Overlays env values on file values: objects merge key by key, anything else is replaced. */
function overlay(base: unknown, top: Record<string, unknown>): unknown {
  // A non-object in the file where env sets nested keys stays, so its schema error is still reported
  if (base !== undefined && !isPlainObject(base)) return base;
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [key, value] of Object.entries(top)) {
    out[key] = isPlainObject(value) ? overlay(out[key], value) : value;
  }
  return out;
}

function getPath(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let node: unknown = root;
  for (const seg of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, seg)) return { found: false, value: undefined };
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value: node };
}

const SECRET_SEGMENT = /secret|token|key|password/i;

function describeValue(path: readonly PropertyKey[], value: unknown): string {
  // Hide a secret leaf, and any object or list that sits under a secret-looking key
  const names = path.filter((s): s is string => typeof s === 'string');
  const last = names[names.length - 1];
  const nested = value !== null && typeof value === 'object' && names.some((s) => SECRET_SEGMENT.test(s));
  if ((last !== undefined && SECRET_SEGMENT.test(last)) || nested) return '<hidden>';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Loads, overlays and validates the config; on failure returns every error found. */
export function loadConfig(input: LoadConfigInput): Result<AppConfig, ConfigError[]> {
  const errors: ConfigError[] = [];
  const found = findConfigFile(input.argv, input.env);
  let fileData: Record<string, unknown> = {};
  let file: string | undefined;
  if (!found.ok) errors.push(found.error);
  else if (found.value !== undefined) {
    file = resolve(input.cwd, found.value);
    const read = readConfigFile(file);
    if (read.ok) fileData = read.value;
    else errors.push(...read.error);
  }

  const env = readEnvOverlay(input.env);
  errors.push(...env.errors, ...unknownEnvVars(input.env, [CONFIG_ENV]), ...checkLogFormat(input.env));
  // `--node` is the one setting the command line carries; it wins over the file and the env
  const cliNode = scanCli(MAIN_CLI, input.argv).values.node;
  const merged = overlay(overlay(fileData, env.values), cliNode === undefined ? {} : { cluster: { node: cliNode } });

  const sourceOf = (path: readonly PropertyKey[]): { env?: string; file?: string } => {
    // The nearest enclosing path set from env (a JSON value may be the source of a nested error)
    for (let n = path.length; n > 0; n--) {
      const name = env.sources.get(formatPath(path.slice(0, n)));
      if (name !== undefined) return { env: name };
    }
    return file !== undefined && getPath(fileData, path).found ? { file } : {};
  };

  const parsed = AppConfigSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          errors.push({ code: 'ERR_CONFIG_INVALID', path: formatPath(path), message: `unknown key "${key}"`, ...sourceOf(path) });
        }
        continue;
      }
      const at = getPath(merged, issue.path);
      const message = issue.code !== 'custom' && at.found ? `${issue.message}, was ${describeValue(issue.path, at.value)}` : issue.message;
      errors.push({ code: 'ERR_CONFIG_INVALID', path: formatPath(issue.path), message, ...sourceOf(issue.path) });
    }
  }
  if (errors.length > 0 || !parsed.success) {
    const dot = input.dotEnv;
    return err(dot === undefined ? errors : errors.map((e) => (e.env !== undefined && dot.names.has(e.env) ? { ...e, file: dot.path } : e)));
  }

  const c = parsed.data;
  const abs = (p: string): string => resolve(input.cwd, p);
  c.app.dataDir = abs(c.app.dataDir);
  c.store.path = abs(c.store.path);
  c.strategies.file = abs(c.strategies.file);
  c.feed.instrumentsFile = abs(c.feed.instrumentsFile);
  if (c.feed.replayFile !== undefined) c.feed.replayFile = abs(c.feed.replayFile);
  if (c.feed.recordFile !== undefined) c.feed.recordFile = abs(c.feed.recordFile);
  return ok(deepFreeze(c));
}

/**
 * loadConfig for an entry point: first fills unset env vars from `<cwd>/.env` (into `env`, so
 * worker threads and child processes see the same values), then loads as loadConfig.
 */
export function loadProcessConfig(input: Omit<LoadConfigInput, 'env' | 'dotEnv'> & { readonly env: Record<string, string | undefined> }): Result<AppConfig, ConfigError[]> {
  const dot = applyDotEnv(input.env, input.cwd);
  if (!dot.ok) return err([dot.error]);
  return loadConfig(dot.value === undefined ? input : { ...input, dotEnv: dot.value });
}

const REDACTED = '[redacted]';

/** A copy of the config safe to log: Zerodha credentials and gateway tokens replaced by "[redacted]". */
export function redactConfig(config: AppConfig): AppConfig {
  const z = config.zerodha;
  return {
    ...config,
    zerodha: {
      ...z,
      ...(z.apiKey !== undefined && { apiKey: REDACTED }),
      ...(z.apiSecret !== undefined && { apiSecret: REDACTED }),
      ...(z.accessToken !== undefined && { accessToken: REDACTED }),
    },
    gateway: { ...config.gateway, tokens: config.gateway.tokens.map((t) => ({ ...t, token: REDACTED })) },
  };
}
