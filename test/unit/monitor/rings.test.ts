import { describe, expect, it } from 'vitest';
import { summariseRings, type RingCounters } from '../../../src/domain/monitor/rings.js';

const rings: Record<string, RingCounters> = {
  'paper.signals.raw': {
    published: 900,
    capacity: 1000,
    consumerNames: ['risk-manager', 'pipeline-monitor'],
    consumers: [
      { index: 0, attached: true, lossy: false, lag: 850, dropped: 0 },
      { index: 1, attached: true, lossy: true, lag: 990, dropped: 12 },
    ],
  },
  'market.ticks': {
    published: 5,
    capacity: 64,
    consumerNames: ['strategy-runner'],
    consumers: [{ index: 0, attached: true, lossy: false, lag: 1, dropped: 0 }],
  },
  'zerodha.orders.filled': { published: 0, capacity: 8, consumerNames: [], consumers: [{ index: 3, attached: false, lossy: false, lag: 0, dropped: 0 }] },
};

describe('summariseRings', () => {
  it('names consumers by slot, sums drops, and flags only gating consumers near a full ring', () => {
    const view = summariseRings(rings);
    expect(view.map((r) => r.topic)).toEqual(['market.ticks', 'paper.signals.raw', 'zerodha.orders.filled']);
    const sig = view[1]!;
    expect(sig.maxLag).toBe(990);
    expect(sig.dropped).toBe(12);
    expect(sig.consumers).toEqual([
      { actor: 'risk-manager', attached: true, lossy: false, lag: 850, dropped: 0, backpressure: true },
      { actor: 'pipeline-monitor', attached: true, lossy: true, lag: 990, dropped: 12, backpressure: false },
    ]);
    expect(view[2]!.consumers[0]!.actor).toBe('#3');
  });

  it('filters topics', () => {
    expect(summariseRings(rings, (t) => t.startsWith('paper.')).map((r) => r.topic)).toEqual(['paper.signals.raw']);
  });
});
