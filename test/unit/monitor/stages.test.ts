import { describe, expect, it } from 'vitest';
import { BROKER_STAGES, StageBook, stageForSuffix } from '../../../src/domain/monitor/stages.js';
import { BROKER_TOPICS } from '../../../src/protocol/topics.js';

describe('stageForSuffix', () => {
  it('maps every broker topic to a stage; the three order topics share one stage', () => {
    const stages = BROKER_TOPICS.map(stageForSuffix);
    expect(stages.every((s) => s !== undefined)).toBe(true);
    expect(stageForSuffix('orders.submitted')).toBe('orders');
    expect(stageForSuffix('orders.filled')).toBe('orders');
    expect(stageForSuffix('orders.failed')).toBe('orders');
    expect(stageForSuffix('pnl.snapshots')).toBe('portfolio_updates');
    expect(stageForSuffix('signals.raw')).toBe('signals');
    expect(new Set(stages)).toEqual(new Set(BROKER_STAGES));
    expect(stageForSuffix('bogus.topic')).toBeUndefined();
  });
});

describe('StageBook', () => {
  it('keeps per-broker counters apart and one shared market counter', () => {
    const book = new StageBook(['paper', 'zerodha']);
    book.recordTicks(1000);
    book.recordTicks(1005, 2);
    expect(book.record('paper', 'signals', 1001)).toBe(true);
    expect(book.record('zerodha', 'orders', 1002)).toBe(true);
    expect(book.record('zerodha', 'orders', 1003)).toBe(true);
    expect(book.marketCounter()).toEqual({ count: 3, missed: 0, lastMs: 1005 });
    expect(book.brokerCounters('paper').signals).toEqual({ count: 1, missed: 0, lastMs: 1001 });
    expect(book.brokerCounters('paper').orders).toEqual({ count: 0, missed: 0, lastMs: null });
    expect(book.brokerCounters('zerodha').orders).toEqual({ count: 2, missed: 0, lastMs: 1003 });
    expect(book.brokerNames).toEqual(['paper', 'zerodha']);
  });

  it('ignores untracked brokers and never moves last-seen backwards', () => {
    const book = new StageBook(['paper']);
    expect(book.record('zerodha', 'signals', 5)).toBe(false);
    book.record('paper', 'signals', 2000);
    book.record('paper', 'signals', 1500); // a producer whose clock is slightly behind
    book.recordTicks(50);
    book.recordTicks(40);
    expect(book.brokerCounters('paper').signals).toEqual({ count: 2, missed: 0, lastMs: 2000 });
    expect(book.marketCounter().lastMs).toBe(50);
    expect(book.brokerCounters('zerodha').signals.count).toBe(0);
  });

  it('folds skipped records into counts as absolute totals', () => {
    const book = new StageBook(['paper']);
    book.recordTicks(1, 10);
    book.setMarketMissed(5);
    book.setMarketMissed(7); // absolute, not added
    book.record('paper', 'portfolio_updates', 1);
    book.setMissed('paper', 'portfolio_updates', 3);
    book.setMissed('zerodha', 'portfolio_updates', 99); // untracked: no effect, no throw
    expect(book.marketCounter()).toEqual({ count: 17, missed: 7, lastMs: 1 });
    expect(book.brokerCounters('paper').portfolio_updates).toEqual({ count: 4, missed: 3, lastMs: 1 });
  });
});
