import { describe, expect, it } from 'vitest';
import { readiness, viewStatus } from '../../../src/gateway/status-view.js';
import { unwrap } from '../../../src/gateway/upstream.js';
import { Upstream } from '../../../src/gateway/upstream.js';
import { intParam, pageParams } from '../../../src/gateway/query.js';
import { isAppError } from '../../../src/errors.js';

const status = {
  runId: 'r1',
  startedAt: 1000,
  tree: {
    kind: 'supervisor', name: 'root', state: 'running', strategy: 'one_for_one', restarts: 0, lastError: null,
    children: [
      { kind: 'actor', name: 'a', state: 'running', gen: 2, restarts: 1, uptimeMs: 5, lastError: { code: 'ERR_ACTOR_EXITED', message: 'x', at: 9 } },
      { kind: 'supervisor', name: 'trading_sup', state: 'halted', strategy: 'rest_for_one', restarts: 4, lastError: null, children: [] },
    ],
  },
  workers: { a: { health: { status: 'degraded', detail: 'slow' } } },
  rings: { 'market.ticks': { published: 10 } },
};

describe('viewStatus', () => {
  it('flattens the tree with health, generation and halted supervisors', () => {
    const v = viewStatus(status, 6000);
    expect(v.uptimeMs).toBe(5000);
    expect(v.halted).toEqual(['trading_sup']);
    expect(v.nodes.map((n) => [n.name, n.path.join('/'), n.health])).toEqual([
      ['root', '', 'healthy'],
      ['a', 'root', 'degraded'],
      ['trading_sup', 'root', 'unhealthy'],
    ]);
    expect(v.nodes[1]).toMatchObject({ gen: 2, restarts: 1, lastError: { code: 'ERR_ACTOR_EXITED' } });
  });
  it('reports readiness of the trading subtree, falling back to the root', () => {
    const v = viewStatus(status, 0);
    expect(readiness(v, 'trading_sup')).toEqual({ ready: false, supervisor: 'trading_sup', state: 'halted' });
    expect(readiness(v, 'absent')).toEqual({ ready: true, supervisor: 'root', state: 'running' });
  });
  it('survives replies of another shape', () => {
    expect(viewStatus(null, 0).nodes).toEqual([]);
    expect(viewStatus({ tree: 5 }, 0).state).toBe('unknown');
  });
});

describe('upstream', () => {
  it('unwraps Result-shaped replies into values or catalogued errors', () => {
    expect(unwrap({ ok: true, value: 3 })).toBe(3);
    expect(unwrap({ ok: true, order: 1 })).toEqual({ ok: true, order: 1 });
    expect(unwrap([1])).toEqual([1]);
    let e: unknown;
    try {
      unwrap({ ok: false, error: { code: 'ERR_INSTRUMENT_UNKNOWN', ref: 'X' } });
    } catch (x) {
      e = x;
    }
    expect(isAppError(e, 'ERR_INSTRUMENT_UNKNOWN') && (e as Error).message).toBe('unknown instrument X');
    try {
      unwrap({ ok: false, code: 'ERR_ORDER_UNKNOWN', message: 'gone' });
    } catch (x) {
      e = x;
    }
    expect(isAppError(e, 'ERR_ORDER_UNKNOWN') && (e as Error).message).toBe('gone');
  });
  it('maps rejections: catalogued prefix kept, others and timeouts are ERR_UPSTREAM_UNAVAILABLE', async () => {
    const up = new Upstream(async (cmd) => {
      if (cmd === 'status') throw new Error('ERR_ACTOR_UNKNOWN: no actor named "x"');
      if (cmd === 'actor-call') throw new Error('boom');
      return new Promise(() => undefined);
    }, 50);
    await expect(up.status()).rejects.toSatisfy((e) => isAppError(e, 'ERR_ACTOR_UNKNOWN') && (e as Error).message === 'no actor named "x"');
    await expect(up.call('a', 'b')).rejects.toSatisfy((e) => isAppError(e, 'ERR_UPSTREAM_UNAVAILABLE'));
    await expect(up.snapshot('a')).rejects.toSatisfy((e) => isAppError(e, 'ERR_UPSTREAM_UNAVAILABLE') && (e as Error).message.includes('50 ms'));
  });
});

describe('query parameters', () => {
  it('paginates with defaults and bounds', () => {
    expect(pageParams(new URLSearchParams(''))).toEqual({ page: 1, size: 50, offset: 0 });
    expect(pageParams(new URLSearchParams('page=3&size=20'))).toEqual({ page: 3, size: 20, offset: 40 });
    for (const q of ['page=0', 'size=0', 'size=1001', 'page=x', 'size=1.5']) {
      expect(() => pageParams(new URLSearchParams(q))).toThrow(/expected (page|size)/);
    }
  });
  it('keeps optional integers optional', () => {
    expect(intParam(new URLSearchParams(''), 'n', 0, 9)).toBeUndefined();
    expect(intParam(new URLSearchParams('n=-1'), 'n', -5, 9)).toBe(-1);
  });
});
