import { afterEach, describe, expect, it } from 'vitest';
import { eventually, makeSystem, sup } from '../support/system.js';
import { InvalidTreeError, type ActorSystem } from '../../src/runtime/system.js';
import type { ActorSpec } from '../../src/runtime/tree.js';
import type { Envelope } from '../../src/protocol/envelope.js';

const RELAY = 'dist/test/fixtures/relay.actor.js';
let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

function node(name: string, args: Record<string, unknown>, publishes: string[], subscribes: string[], extra: Partial<ActorSpec> = {}): ActorSpec {
  return { kind: 'actor', name, module: RELAY, restart: 'permanent', args, publishes, subscribes: subscribes.map((topic) => ({ topic })), ...extra };
}

function chain(): ActorSpec[] {
  return [
    node('sink', { role: 'sink', input: 'paper.orders.submitted' }, [], ['paper.orders.submitted']),
    node('relay2', { role: 'relay', input: 'paper.signals.validated', output: 'paper.orders.submitted' }, ['paper.orders.submitted'], ['paper.signals.validated']),
    node('relay1', { role: 'relay', input: 'paper.signals.raw', output: 'paper.signals.validated' }, ['paper.signals.validated'], ['paper.signals.raw']),
    node('source', { role: 'source', output: 'paper.signals.raw' }, ['paper.signals.raw'], []),
  ];
}

describe.each(['ring', 'port'] as const)('typed channels over %s transport', (transport) => {
  it('delivers in order and correlation ids survive two hops', async () => {
    system = makeSystem(sup('root', chain()), { transport });
    await system.start();
    const n = 2000;
    await system.actor('source')!.control()!.call('emit', n);
    const sink = system.actor('sink')!;
    // Generous: on a 2-core box shared with other suites, four spinning workers can be slow
    await eventually(async () => (await sink.control()!.call('count', null)) === n, 60_000, 'all events at the sink');
    const got = (await sink.control()!.call('received', null)) as Envelope<{ i: number }>[];
    expect(got.map((e) => e.data.i)).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const e of got) {
      // root id == correlation id of the whole chain; causation points at the previous hop
      expect(e.correlationId.includes('.source.')).toBe(true);
      expect(e.causationId).not.toBeNull();
      expect(e.causationId!.includes('.relay1.')).toBe(true);
      expect(e.source).toBe('relay2');
      expect(e.key).toBe(`s:${e.data.i}`);
    }
    expect(new Set(got.map((e) => e.correlationId)).size).toBe(n);
  });
});

describe('wiring validation', () => {
  it('rejects a topic of another broker, an unknown broker, a missing publisher and duplicate publishers, all at once', () => {
    const bad = sup('root', [
      node('x', { role: 'sink' }, ['zerodha.signals.raw'], [], { broker: 'paper' }),
      node('y', { role: 'sink' }, ['binance.signals.raw'], []),
      node('z', { role: 'sink' }, [], ['paper.orders.filled']),
      node('p1', { role: 'sink' }, ['paper.signals.raw'], []),
      node('p2', { role: 'sink' }, ['paper.signals.raw', 'paper.signals.bogus'], []),
    ]);
    let caught: unknown;
    try {
      makeSystem(bad, { activeBrokers: ['paper', 'zerodha'] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidTreeError);
    const codes = (caught as InvalidTreeError).errors.map((e) => e.code).sort();
    expect(codes).toEqual([
      'ERR_TOPIC_BROKER_MISMATCH',
      'ERR_TOPIC_INVALID',
      'ERR_TOPIC_MANY_PUBLISHERS',
      'ERR_TOPIC_NO_PUBLISHER',
      'ERR_TOPIC_UNKNOWN_BROKER',
    ]);
    expect((caught as Error).message).toContain('actor "x" for broker "paper" cannot use topic "zerodha.signals.raw"');
  });

  it('rejects a topic of a broker that is not active', () => {
    expect(() => makeSystem(sup('root', [node('a', { role: 'sink' }, ['zerodha.signals.raw'], [])]), { activeBrokers: ['paper'] })).toThrow(
      /zerodha/,
    );
  });

  it('an actor asking for a topic its spec does not grant fails at start with a clear error, not at run time', async () => {
    system = makeSystem(
      sup('root', [node('rogue', { role: 'sink', rogue: 'paper.orders.filled' }, [], [], { restart: 'transient' })], {
        restart: 'transient',
        intensity: { maxRestarts: 0, periodMs: 1000 },
      }),
    );
    await system.start();
    const st = system.actor('rogue')!.status();
    expect(st.lastError?.message).toContain('asked to publish topic "paper.orders.filled" which its child spec does not grant');
    expect(system.status().state).toBe('halted');
  });
});
