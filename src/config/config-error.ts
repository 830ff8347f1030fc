// Configuration errors: one record per problem, collected from the file, the environment and the
// schema, so the operator sees every problem in one run. formatConfigErrors renders them for stderr.

import { appError, type AlphaPandaError } from '../errors.js';

/** One configuration problem. */
export interface ConfigError {
  /** ERR_CONFIG_FILE for an unreadable/unparsable file or bad --config argument, else ERR_CONFIG_INVALID. */
  readonly code: 'ERR_CONFIG_INVALID' | 'ERR_CONFIG_FILE';
  /** Dotted path of the offending field (`gateway.tokens[0].token`); '' for the file as a whole. */
  readonly path: string;
  readonly message: string;
  /** The environment variable that supplied the value, when it came from the environment. */
  readonly env?: string;
  /** The config file that supplied the value, when it came from the file. */
  readonly file?: string;
}

/** Renders a path array as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Multi-line, human-readable report of every error (one per line, with its source). */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  const n = errors.length;
  const lines = [`invalid configuration: ${n} error${n === 1 ? '' : 's'}`];
  for (const e of errors) {
    // An error about a variable itself (unknown name, bad LOG_FORMAT) is labelled with its name
    const label = e.path !== '' ? e.path : (e.env ?? '<config>');
    const inFile = e.file !== undefined ? ` in ${e.file}` : '';
    const source = e.env !== undefined && e.path !== '' ? ` (from env ${e.env}${inFile})` : e.file !== undefined ? ` (from ${e.file})` : '';
    lines.push(`  - ${label}: ${e.message}${source}`);
  }
  return lines.join('\n');
}

/** The ERR_CONFIG_INVALID error the caller logs before exiting non-zero; detail.errors keeps the list. */
export function configFailure(errors: readonly ConfigError[]): AlphaPandaError {
  const summary = errors.map((e) => `${e.path === '' ? '<config>' : e.path}: ${e.message}`).join('; ');
  return appError('ERR_CONFIG_INVALID', { summary, errors });
}
