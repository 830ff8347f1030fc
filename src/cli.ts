// The one command-line dialect of every entry point (npm start, npm run sweep, npm run bench):
// node:util parseArgs underneath, `--name value` or `--name=value`, `-h`/`--help` everywhere,
// usage text generated from the same option table the parser reads. Problems are collected, not
// thrown: an unknown option (with "did you mean"), a flag given a value, an option missing its
// value, a repeated single option, a stray positional — all reported together as
// ERR_CONFIG_INVALID, like config errors. PURE apart from runCli's process I/O.
import { parseArgs } from 'node:util';
import { didYouMean } from './did-you-mean.js';
import { err, ok, type Result } from './errors.js';

/** One option of a command. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  /** A string option that may be given several times (values collected in order). */
  readonly multiple?: boolean;
  /** Placeholder of the value in the usage text, e.g. `<file>`. */
  readonly arg?: string;
  readonly help: string;
}

/** A command: its invocation, one-line summary and options (`help` is added by the parser). */
export interface CliSpec {
  /** How the user runs it, e.g. `npm run sweep --`. */
  readonly command: string;
  readonly summary: string;
  readonly options: Readonly<Record<string, CliOption>>;
  /** Extra text after the options (examples, where output goes). */
  readonly notes?: string;
}

/** Parsed values, typed from the spec: booleans, strings, or string lists for `multiple`. */
export type CliValues<S extends CliSpec> = {
  -readonly [K in keyof S['options']]?: S['options'][K] extends { readonly type: 'boolean' }
    ? boolean
    : S['options'][K] extends { readonly multiple: true }
      ? string[]
      : string;
};

/** One argument problem; `path` names the option (`--runs`) or the stray argument. */
export interface CliError {
  readonly code: 'ERR_CONFIG_INVALID';
  readonly path: string;
  readonly message: string;
}

export type CliParsed<S extends CliSpec> = { readonly help: true } | { readonly help: false; readonly values: CliValues<S> };

const HELP: CliOption = { type: 'boolean', help: 'print this help and exit' };

const problem = (path: string, message: string): CliError => ({ code: 'ERR_CONFIG_INVALID', path, message });

/** What one pass over argv found: the values that parsed, every problem, and whether help was asked. */
export interface CliScan<S extends CliSpec> {
  readonly help: boolean;
  readonly values: CliValues<S>;
  readonly problems: readonly CliError[];
}

/** Parses argv (without node and script). `--help` wins over every other problem. */
export function parseCli<S extends CliSpec>(spec: S, argv: readonly string[]): Result<CliParsed<S>, CliError[]> {
  const scan = scanCli(spec, argv);
  if (scan.help) return ok({ help: true });
  if (scan.problems.length > 0) return err([...scan.problems]);
  return ok({ help: false, values: scan.values });
}

/**
 * One pass over argv that keeps going past problems, so a caller that validates the values further
 * (e.g. with zod) can report its own problems together with these.
 */
export function scanCli<S extends CliSpec>(spec: S, argv: readonly string[]): CliScan<S> {
  // Non-strict, with tokens: parseArgs never throws, so every problem is found here in one pass;
  // the spec's types tell it which options consume the next argument as their value
  const options = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple === true }]));
  const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  const known = new Map<string, CliOption>([...Object.entries(spec.options), ['help', HELP]]);
  const names = [...known.keys()].map((n) => `--${n}`);
  const values: Record<string, string | boolean | string[]> = {};
  const problems: CliError[] = [];
  let help = false;
  // Index of the argument right after an unknown `--name` without `=`: most likely its value
  let valueOfUnknown = -1;
  for (const tok of tokens) {
    if (tok.kind === 'option-terminator') continue;
    if (tok.kind === 'positional') {
      // `--tiks file.jsonl`: one problem (the unknown option), not a second one for its value
      if (tok.index !== valueOfUnknown) problems.push(problem(tok.value, `unexpected argument "${tok.value}" (options start with --)`));
      continue;
    }
    const flag = tok.rawName.startsWith('--') ? tok.rawName : `--${tok.name}`;
    const opt = known.get(tok.name);
    if (opt === undefined) {
      problems.push(problem(tok.rawName, `unknown option${didYouMean(`--${tok.name}`, names)}; run with --help for the options`));
      if (tok.value === undefined) valueOfUnknown = tok.index + 1;
      continue;
    }
    if (tok.name === 'help') {
      help = true;
      continue;
    }
    if (opt.type === 'boolean') {
      // Non-strict parseArgs reads `--flag=x` as a string value
      if (tok.value !== undefined) problems.push(problem(flag, `is a flag and takes no value, was "${tok.value}"`));
      else values[tok.name] = true;
      continue;
    }
    // A string option followed by another option took that option as its value: `--ticks --json`
    const value = tok.value;
    if (value === undefined || (tok.inlineValue !== true && value.startsWith('-'))) {
      problems.push(problem(flag, `expects a value${opt.arg === undefined ? '' : ` ${opt.arg}`} (write ${flag}=<value> for a value starting with -)`));
      // parseArgs consumed the next option as this one's value: still honour --help and report
      // that option's own problems
      if (value === '--help' || value === '-h') help = true;
      else if (value?.startsWith('--') === true) problems.push(...parseCliProblems(spec, [value]));
      continue;
    }
    if (opt.multiple === true) values[tok.name] = [...((values[tok.name] as string[] | undefined) ?? []), value];
    else if (values[tok.name] !== undefined) problems.push(problem(flag, 'is given more than once'));
    else values[tok.name] = value;
  }
  return { help, values: values as CliValues<S>, problems };
}

/** The problems (only) of parsing argv; used to report an option swallowed as a value. */
function parseCliProblems(spec: CliSpec, argv: readonly string[]): CliError[] {
  return [...scanCli(spec, argv).problems];
}

/** The usage text: invocation, summary, one line per option, notes. */
export function usage(spec: CliSpec): string {
  const rows = [...Object.entries(spec.options), ['help', HELP] as const].map(([name, o]) => {
    const left = `${name === 'help' ? '-h, ' : ''}--${name}${o.arg === undefined ? '' : ` ${o.arg}`}`;
    return [left, `${o.help}${o.multiple === true ? ' (repeatable)' : ''}`] as const;
  });
  const width = Math.min(32, Math.max(...rows.map(([l]) => l.length)));
  const lines = [`usage: ${spec.command} [options]`, '', spec.summary, '', 'options:'];
  for (const [left, right] of rows) lines.push(left.length > width ? `  ${left}\n  ${' '.repeat(width)}  ${right}` : `  ${left.padEnd(width)}  ${right}`);
  if (spec.notes !== undefined) lines.push('', spec.notes.trimEnd());
  return lines.join('\n');
}

/** One line per problem, `CODE: --option: message`. */
export function formatCliErrors(errors: readonly CliError[]): string {
  return errors.map((e) => `${e.code}: ${e.path}: ${e.message}`).join('\n');
}

/** Exit code of a command-line usage error (as BSD sysexits' EX_USAGE family: not a runtime failure). */
export const EXIT_USAGE = 2;

/**
 * Parses process arguments for an entry point: `--help` prints the usage to stdout and yields
 * undefined (the caller exits 0); a usage error prints every problem and the usage line to stderr,
 * sets exitCode 2 and yields undefined; otherwise the values.
 */
export function cliArgs<S extends CliSpec>(spec: S, argv: readonly string[] = process.argv.slice(2)): CliValues<S> | undefined {
  const r = parseCli(spec, argv);
  if (!r.ok) {
    process.stderr.write(`${formatCliErrors(r.error)}\nusage: ${spec.command} [options]   (--help for the options)\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }
  if (r.value.help) {
    process.stdout.write(`${usage(spec)}\n`);
    return undefined;
  }
  return r.value.values;
}
