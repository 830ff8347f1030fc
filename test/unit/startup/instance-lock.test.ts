// The instance lock on real files: OFD locks conflict between two descriptors of one process, so a
// refusal is visible without a second process (the main-job test spawns real ones).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../../src/config.js';
import { isAppError } from '../../../src/errors.js';
import { acquireInstanceLock, LOCK_FILE, type InstanceLock } from '../../../src/startup/instance-lock.js';
import { lockInstance } from '../../../src/startup/preflight.js';
import { tempDir } from '../../support/system.js';

const cleanups: (() => void)[] = [];
const held: InstanceLock[] = [];
afterEach(() => {
  for (const l of held.splice(0)) l.release();
  for (const c of cleanups.splice(0)) c();
});

function dir(): string {
  const d = tempDir('ap-lock-');
  cleanups.push(d.cleanup);
  return d.path;
}

function take(path: string): InstanceLock {
  const l = acquireInstanceLock(path);
  held.push(l);
  return l;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

function config(env: Record<string, string>): AppConfig {
  const r = loadConfig({ argv: [], env, cwd: process.cwd() });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('instance lock', () => {
  it('records the holder and refuses a second holder, naming the pid', () => {
    const path = join(dir(), LOCK_FILE);
    const first = take(path);
    expect(first.previousPid).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    const e = thrown(() => take(path));
    expect(isAppError(e, 'ERR_INSTANCE_LOCKED')).toBe(true);
    expect((e as { detail: unknown }).detail).toEqual({ path, pid: process.pid });
    expect((e as Error).message).toContain(`pid ${process.pid}`);
  });

  it('is free again after release, and a clean release leaves no previous pid', () => {
    const path = join(dir(), LOCK_FILE);
    take(path).release();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(take(path).previousPid).toBeUndefined();
  });

  it('takes over a lock file left by a dead holder and reports its pid', () => {
    const path = join(dir(), LOCK_FILE);
    // What a SIGKILLed holder leaves: its record, but no lock (the kernel dropped it)
    writeFileSync(path, JSON.stringify({ pid: 2_000_000_001, host: 'x', startedAt: '2026-01-01T00:00:00.000Z' }));
    const l = take(path);
    expect(l.previousPid).toBe(2_000_000_001);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('a directory it cannot create the file in is ERR_DATA_DIR', () => {
    const d = dir();
    writeFileSync(join(d, 'file'), '');
    const e = thrown(() => take(join(d, 'file', LOCK_FILE)));
    expect(isAppError(e, 'ERR_DATA_DIR')).toBe(true);
  });

  it('locks a store outside the data dir too, so two data dirs cannot share one store', () => {
    const root = dir();
    const a = lockInstance(config({ DATA_DIR: join(root, 'a'), STORE__PATH: join(root, 'store') }));
    held.push(...a);
    expect(a.map((l) => l.path)).toEqual([join(root, 'a', LOCK_FILE), join(root, 'store', LOCK_FILE)]);
    // Inside the data dir (the default) only the data dir is locked
    const inside = lockInstance(config({ DATA_DIR: join(root, 'c') }));
    held.push(...inside);
    expect(inside.map((l) => l.path)).toEqual([join(root, 'c', LOCK_FILE)]);
    // Another data dir on the same store: refused on the store's lock, and its own lock is released
    const e = thrown(() => lockInstance(config({ DATA_DIR: join(root, 'b'), STORE__PATH: join(root, 'store') })));
    expect(isAppError(e, 'ERR_INSTANCE_LOCKED')).toBe(true);
    expect((e as { detail: { path: string } }).detail.path).toBe(join(root, 'store', LOCK_FILE));
    held.push(take(join(root, 'b', LOCK_FILE)));
    // An outside store dir that cannot be made is a store problem (same exit class as the data dir)
    writeFileSync(join(root, 'file'), '');
    const s = thrown(() => lockInstance(config({ DATA_DIR: join(root, 'd'), STORE__PATH: join(root, 'file', 'store') })));
    expect(isAppError(s, 'ERR_STORE_UNAVAILABLE')).toBe(true);
    held.push(take(join(root, 'd', LOCK_FILE)));
  });
});
