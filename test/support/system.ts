// Builds ActorSystems for tests with fast timings and a temp LMDB directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorSystem, type SystemOptions } from '../../src/runtime/system.js';
import type { ActorSpec, SupervisorSpec } from '../../src/runtime/tree.js';
import { tickRecordTopic } from '../../src/services/feed/tick-channel.js';

export const FIXTURE = 'dist/test/fixtures/crashy.actor.js';

export function tempDir(prefix = 'ap-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function actor(name: string, extra: Partial<ActorSpec> = {}): ActorSpec {
  return { kind: 'actor', name, module: FIXTURE, restart: 'permanent', publishes: [], subscribes: [], ...extra };
}

export function sup(name: string, children: SupervisorSpec['children'], extra: Partial<SupervisorSpec> = {}): SupervisorSpec {
  return {
    kind: 'supervisor',
    name,
    strategy: 'one_for_one',
    restart: 'permanent',
    intensity: { maxRestarts: 3, periodMs: 10_000 },
    backoff: { baseMs: 20, maxMs: 200 },
    children,
    ...extra,
  };
}

export function makeSystem(root: SupervisorSpec, extra: Partial<SystemOptions> = {}): ActorSystem {
  return new ActorSystem({
    root,
    activeBrokers: ['paper'],
    config: {},
    runId: 'test',
    transport: 'ring',
    recordTopics: [tickRecordTopic(1024, 'block')],
    eventRing: { capacity: 256, slotBytes: 1024 },
    heartbeatMs: 50,
    hangTimeoutMs: 600,
    startTimeoutMs: 5000,
    stopDeadlineMs: 2000,
    maxOldGenerationSizeMb: 64,
    logLevel: 'warn',
    nowMs: () => Date.now(),
    random: () => 0.5,
    ...extra,
  });
}

/** Polls `pred` until it is true or `timeoutMs` passes (no fixed sleeps in tests). */
export async function eventually(pred: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
