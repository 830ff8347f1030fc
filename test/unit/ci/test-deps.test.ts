// npm test's pre-step (.ci/test-deps.mjs): the decision on fake machines, the lookup on a temp
// directory, and the real script as a child process where its answer does not depend on what this
// machine has installed (an override that points at node, then at nothing).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REQUIREMENTS, installCommand, locate, plan, type Located, type Requirement } from '../../../.ci/test-deps.mjs';
import { projectRoot } from '../../../src/runtime/system.js';

const chromium: Requirement = { name: 'chromium', purpose: 'the browser tests', env: 'CHROMIUM_PATH', paths: ['/usr/bin/chromium'], commands: ['chromium'], aptPackage: 'chromium' };
const nats: Requirement = { name: 'nats-server', purpose: 'the bus tests', paths: [], commands: ['nats-server'], aptPackage: 'nats-server' };

/** A fake machine: what `locate` answers per binary name, and who runs the script. */
function machine(where: Record<string, Located>, root: boolean, aptGet = true) {
  return { locate: (r: Requirement) => where[r.name] ?? {}, root, aptGet };
}

describe('plan', () => {
  it('is ok when every binary is present, whoever runs it', () => {
    for (const root of [true, false]) {
      expect(plan([chromium, nats], machine({ chromium: { path: '/usr/bin/chromium' }, 'nats-server': { path: '/opt/nats-server' } }, root))).toEqual({
        action: 'ok',
        found: [
          { name: 'chromium', path: '/usr/bin/chromium' },
          { name: 'nats-server', path: '/opt/nats-server' },
        ],
      });
    }
  });

  it('installs every missing package in one apt-get when root with apt-get', () => {
    const p = plan([chromium, nats], machine({}, true));
    expect(p).toMatchObject({ action: 'install', missing: ['chromium', 'nats-server'], packages: ['chromium', 'nats-server'], command: 'apt-get update && apt-get install -y chromium nats-server' });
    if (p.action === 'install') expect(p.message).toBe('npm test: missing chromium (for the browser tests), nats-server (for the bus tests); installing: apt-get update && apt-get install -y chromium nats-server');
  });

  it('installs only what is missing', () => {
    expect(plan([chromium, nats], machine({ chromium: { path: '/usr/bin/chromium' } }, true))).toMatchObject({ action: 'install', packages: ['nats-server'] });
  });

  it('stops with the sudo command when not root', () => {
    expect(plan([chromium], machine({}, false))).toEqual({
      action: 'stop',
      message: 'npm test: missing chromium (for the browser tests). Run: sudo apt-get update && sudo apt-get install -y chromium',
    });
  });

  it('stops naming the package and the override when there is no apt-get, root or not', () => {
    for (const root of [true, false]) {
      expect(plan([chromium], machine({}, root, false))).toEqual({
        action: 'stop',
        message: 'npm test: missing chromium (for the browser tests). Install chromium with your package manager or set CHROMIUM_PATH to its binary.',
      });
    }
  });

  it('stops on an override that points at nothing, even as root: installing would not help', () => {
    const p = plan([chromium, nats], machine({ chromium: { override: '/nope/chrome' } }, true));
    expect(p.action).toBe('stop');
    if (p.action === 'stop') expect(p.message).toBe('npm test: CHROMIUM_PATH=/nope/chrome is not an executable file (chromium, for the browser tests). Point it at a chromium binary, or unset it.');
  });

  it('declares chromium as the first requirement, with the Debian package', () => {
    expect(REQUIREMENTS.map((r) => [r.name, r.aptPackage, r.env])).toContainEqual(['chromium', 'chromium', 'CHROMIUM_PATH']);
    expect(REQUIREMENTS.map((r) => [r.name, r.aptPackage, r.env])).toContainEqual(['nats-server', 'nats-server', 'NATS_SERVER_PATH']);
    expect(installCommand(['chromium'], false)).toBe('sudo apt-get update && sudo apt-get install -y chromium');
  });
});

describe('locate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'test-deps-'));
  const exe = join(dir, 'chromium');
  writeFileSync(exe, '#!/bin/sh\n');
  chmodSync(exe, 0o755);
  const plain = join(dir, 'not-executable');
  writeFileSync(plain, '');
  chmodSync(plain, 0o644);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const onPath: Requirement = { ...chromium, paths: [join(dir, 'absent')] };

  it('finds a command on PATH when no fixed path exists', () => {
    expect(locate(onPath, { PATH: `/nonexistent:${dir}` })).toEqual({ path: exe });
  });

  it('prefers a fixed path to PATH', () => {
    expect(locate({ ...onPath, paths: [plain, exe] }, { PATH: '' })).toEqual({ path: exe });
  });

  it('reports nothing when absent, and a non-executable file counts as absent', () => {
    expect(locate({ ...onPath, paths: [plain], commands: ['not-executable'] }, { PATH: dir })).toEqual({});
  });

  it('lets the override win, and reports it when it points at nothing', () => {
    expect(locate(onPath, { PATH: dir, CHROMIUM_PATH: process.execPath })).toEqual({ path: process.execPath });
    expect(locate(onPath, { PATH: dir, CHROMIUM_PATH: plain })).toEqual({ override: plain });
    expect(locate(onPath, { PATH: dir, CHROMIUM_PATH: '' })).toEqual({ path: exe });
  });
});

describe('the script', () => {
  // Every requirement pointed at a binary that exists, unless a test overrides it
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [join(projectRoot(), '.ci', 'test-deps.mjs'), ...args], {
      env: { ...process.env, NATS_SERVER_PATH: process.execPath, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('says ok and exits 0 when the binaries are there', () => {
    const r = run(['--verbose'], { CHROMIUM_PATH: process.execPath });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `ok chromium ${process.execPath}\nok nats-server ${process.execPath}\n`, '']);
  });

  it('is silent without --verbose', () => {
    const r = run([], { CHROMIUM_PATH: process.execPath });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
  });

  it('exits 1 with one line when it cannot be fixed by installing', () => {
    const r = run([], { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^npm test: CHROMIUM_PATH=\/nonexistent\/chromium is not an executable file .*\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('exits 2 on an unknown option', () => {
    expect(run(['--bogus'], {}).status).toBe(2);
  });
});
