// The paper venue refuses orders on instruments the registry refuses (issue 9 item 7): the order
// is recorded and rejected with ERR_PAPER_NOT_TRADABLE, no fill, no cash moved.
import { describe, expect, it } from 'vitest';
import { createPaperBroker } from '../../../src/domain/paper/index.js';
import { errorCode, FRICTIONLESS, input, sig, T0, types, unwrap } from './fixtures.js';

describe('not tradable instrument', () => {
  it.each(['not_tradable', 'unknown_instrument'] as const)('%s ⇒ rejected order, no fill, cash unchanged', (problem) => {
    const b = createPaperBroker(FRICTIONLESS);
    b.onTick(260105, 10_000, T0);
    const ev = unwrap(b.submit({ ...input(sig({ token: 260105 })), notTradable: problem }, T0));
    expect(types(ev)).toEqual(['order-submitted', 'order-rejected']);
    expect(errorCode(ev)).toBe('ERR_PAPER_NOT_TRADABLE');
    const rejected = ev[1]!;
    expect(rejected.type === 'order-rejected' && rejected.error.detail).toMatchObject({ token: 260105, problem });
    expect(b.cash('s1')).toBe(100_000_000);
  });

  it('without a refusal the same order fills', () => {
    const b = createPaperBroker(FRICTIONLESS);
    b.onTick(738561, 10_000, T0);
    const ev = unwrap(b.submit(input(sig({ token: 738561 })), T0));
    expect(types(ev)).toContain('fill');
  });
});
