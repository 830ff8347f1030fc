// Pre-step of `npm test` (and of .ci/run): the system binaries the suite needs, checked before any
// test runs. A missing one is installed when this process can (root with apt-get), else the step
// stops with one line giving the exact command to run. There is deliberately no way to skip it: a
// suite that runs without its browser is a half-run suite whose failures say nothing useful.
// Plain JavaScript: it runs before anything is compiled, and before `npm ci` in .ci/run.
// The decision is the pure `plan()`; `locate()` is shared with test/support/browser.ts so the check
// and the tests agree on which binary they mean.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * What the tests need from the system. Add an entry to add a binary: `env` overrides the location,
 * `paths` are tried in order, then `commands` on PATH.
 * @type {readonly import('./test-deps.d.mts').Requirement[]}
 */
export const REQUIREMENTS = Object.freeze([
  Object.freeze({
    name: 'chromium',
    purpose: 'the dashboard browser tests',
    env: 'CHROMIUM_PATH',
    paths: Object.freeze(['/usr/bin/chromium']),
    commands: Object.freeze(['chromium']),
    aptPackage: 'chromium',
  }),
  Object.freeze({
    name: 'nats-server',
    purpose: 'the cluster tests (nodes over NATS JetStream)',
    env: 'NATS_SERVER_PATH',
    paths: Object.freeze(['/usr/sbin/nats-server', '/usr/bin/nats-server']),
    commands: Object.freeze(['nats-server']),
    aptPackage: 'nats-server',
  }),
]);

/** True when `path` is a regular file this process may execute. */
function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first directory of PATH holding an executable `command`, as a full path. */
export function which(command, env = process.env) {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Where `req`'s binary is. A set override wins even when it points nowhere: the tests will use it,
 * so installing the package would not help and the check must say so.
 */
export function locate(req, env = process.env) {
  const override = req.env === undefined ? undefined : env[req.env];
  if (override !== undefined && override !== '') {
    const path = resolve(override);
    return isExecutable(path) ? { path } : { override: path };
  }
  for (const p of req.paths) if (isExecutable(p)) return { path: p };
  for (const c of req.commands) {
    const path = which(c, env);
    if (path !== undefined) return { path };
  }
  return {};
}

/** The shell command that installs `packages`, for the machine's user to run. */
export function installCommand(packages, root) {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

/**
 * Decides what to do, from the probes alone (pure, so tests can feed fake machines).
 * - every binary found → `ok`;
 * - some missing, none behind a broken override, root with apt-get → `install` their packages;
 * - otherwise → `stop` with one line naming what is missing and the exact command to run.
 * @param {readonly import('./test-deps.d.mts').Requirement[]} reqs
 * @param {import('./test-deps.d.mts').Probes} probes
 * @returns {import('./test-deps.d.mts').Plan}
 */
export function plan(reqs, probes) {
  const found = [];
  const missing = [];
  const broken = [];
  for (const req of reqs) {
    const where = probes.locate(req);
    if (where.path !== undefined) found.push({ name: req.name, path: where.path });
    else if (where.override !== undefined) broken.push({ req, path: where.override });
    else missing.push(req);
  }
  if (broken.length > 0) {
    const what = broken.map(({ req, path }) => `${req.env}=${path} is not an executable file (${req.name}, for ${req.purpose})`);
    return { action: 'stop', message: `npm test: ${what.join('; ')}. Point it at a ${broken.map((b) => b.req.name).join(', ')} binary, or unset it.` };
  }
  if (missing.length === 0) return { action: 'ok', found };
  const packages = missing.map((r) => r.aptPackage);
  const needs = `npm test: missing ${missing.map((r) => `${r.name} (for ${r.purpose})`).join(', ')}`;
  if (probes.root && probes.aptGet) {
    const command = installCommand(packages, true);
    return { action: 'install', found, missing: missing.map((r) => r.name), packages, command, message: `${needs}; installing: ${command}` };
  }
  if (probes.aptGet) return { action: 'stop', message: `${needs}. Run: ${installCommand(packages, false)}` };
  const overrides = missing.filter((r) => r.env !== undefined).map((r) => ` or set ${r.env} to its binary`);
  return { action: 'stop', message: `${needs}. Install ${packages.join(' ')} with your package manager${overrides.join('')}.` };
}

/** The real machine's probes. */
export function probeMachine(env = process.env) {
  return { locate: (req) => locate(req, env), root: process.getuid?.() === 0, aptGet: which('apt-get', env) !== undefined };
}

/** Runs apt-get quietly; its output is shown only when it fails. Returns true on success. */
function aptGet(args) {
  const r = spawnSync('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status === 0) return true;
  process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error === undefined ? '' : `${String(r.error)}\n`}`);
  return false;
}

const USAGE =
  'Usage: node .ci/test-deps.mjs [--verbose]\n' +
  'Checks the system binaries the tests need; installs missing ones when root with apt-get,\n' +
  'else exits 1 with the command to run. --verbose prints where each binary was found.\n';

function main() {
  let values;
  try {
    ({ values } = parseArgs({ options: { verbose: { type: 'boolean', short: 'v' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  let p = plan(REQUIREMENTS, probeMachine());
  if (p.action === 'install') {
    process.stderr.write(`${p.message}\n`);
    if (!aptGet(['update', '-qq']) || !aptGet(['install', '-y', '-qq', ...p.packages])) {
      process.stderr.write(`npm test: the install failed (above). Fix it, then run: ${p.command}\n`);
      return 1;
    }
    const installed = p.packages;
    p = plan(REQUIREMENTS, probeMachine());
    // Installed but still not found (a package without the expected binary): say so, never loop
    if (p.action === 'install') {
      process.stderr.write(`npm test: apt-get installed ${installed.join(' ')}, yet ${p.missing.join(', ')} is still not found\n`);
      return 1;
    }
  }
  if (p.action === 'stop') {
    process.stderr.write(`${p.message}\n`);
    return 1;
  }
  if (values.verbose === true) for (const f of p.found) process.stdout.write(`ok ${f.name} ${f.path}\n`);
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
