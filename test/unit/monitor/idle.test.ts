// The monitor says `idle`, not "order execution latency too high", when no orders flow because
// nothing was validated (issue 9 item 6: the demo's daily limits bound and risk rejected every
// signal); a stage is late only while input it owes an answer to waits longer than its threshold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwaitingBook, StageBook } from '../../../src/domain/monitor/index.js';
import { DEFAULT_THRESHOLDS, validateBroker, type ValidationInput } from '../../../src/domain/monitor/validate.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const T = 1_000_000;

/** Validation of `book` at `nowMs`, market open, past the startup grace. */
function judge(book: StageBook, nowMs: number): ReturnType<typeof validateBroker> {
  const input: ValidationInput = {
    broker: 'paper',
    nowMs,
    uptimeMs: 600_000,
    startupGraceMs: 30_000,
    marketOpen: true,
    tradingEnabled: true,
    strategies: 6,
    market: { count: 1, missed: 0, lastMs: nowMs - 10 },
    stages: book.brokerCounters('paper'),
    thresholds: DEFAULT_THRESHOLDS,
    awaiting: book.awaitingView('paper'),
  };
  return validateBroker(input);
}

/** One signal's full trip: raw → validated → order submitted and filled → snapshot. */
function trade(book: StageBook, t: number): void {
  book.recordTopic('paper', 'signals.raw', t);
  book.recordTopic('paper', 'signals.validated', t + 1);
  book.recordTopic('paper', 'orders.submitted', t + 2);
  book.recordTopic('paper', 'orders.filled', t + 2);
  book.recordTopic('paper', 'pnl.snapshots', t + 50);
}

/** Raw signals every second in [from, to], each rejected at once. */
function rejectedUntil(book: StageBook, from: number, to: number): void {
  for (let t = from; t <= to; t += 1000) {
    book.recordTopic('paper', 'signals.raw', t);
    book.recordTopic('paper', 'signals.rejected', t);
  }
}

describe('monitor idle', () => {
  it('every signal rejected for a minute: orders idle, overall idle, no bottleneck', () => {
    const book = new StageBook(['paper']);
    trade(book, T);
    // From now on risk rejects everything (a daily limit): signals keep flowing, orders stop
    for (let t = T + 1000; t <= T + 60_000; t += 500) {
      book.recordTopic('paper', 'signals.raw', t);
      book.recordTopic('paper', 'signals.rejected', t + 1);
      book.recordTopic('paper', 'pnl.snapshots', t + 2);
    }
    const v = judge(book, T + 60_010);
    expect(v.overall).toBe('idle');
    expect(v.message).toMatch(/no orders flowing/i);
    expect(v.bottlenecks).toEqual([]);
    expect(v.stages.order_execution).toMatchObject({ healthy: true, skipped: 'idle' });
    expect(v.stages.risk_validation).toMatchObject({ healthy: true });
    expect(v.stages.risk_validation?.skipped).toBeUndefined();
  });

  it('a validated signal left without an order past the threshold is a latency warning', () => {
    const book = new StageBook(['paper']);
    trade(book, T);
    book.recordTopic('paper', 'signals.raw', T + 5000);
    book.recordTopic('paper', 'signals.validated', T + 5001);
    // Other signals keep flowing (and are rejected), so only the order stage can be late
    rejectedUntil(book, T + 5002, T + 20_000);
    expect(judge(book, T + 5001 + DEFAULT_THRESHOLDS.orderMs).overall).not.toBe('warning');
    const late = judge(book, T + 5002 + DEFAULT_THRESHOLDS.orderMs);
    expect(late.overall).toBe('warning');
    expect(late.bottlenecks.map((b) => b.stage)).toEqual(['order_execution']);
    expect(late.bottlenecks[0]!.issue).toMatch(/Order execution latency too high/);
    // The order comes: the stage is answered and no longer late
    book.recordTopic('paper', 'orders.failed', T + 20_000);
    expect(judge(book, T + 20_001).stages.order_execution?.healthy).toBe(true);
  });

  it('a fill without a portfolio snapshot past 3 s is late; a failed order owes no snapshot', () => {
    const book = new StageBook(['paper']);
    trade(book, T);
    book.recordTopic('paper', 'signals.raw', T + 1000);
    book.recordTopic('paper', 'signals.validated', T + 1001);
    book.recordTopic('paper', 'orders.failed', T + 1002);
    rejectedUntil(book, T + 1003, T + 40_000);
    expect(judge(book, T + 30_000).stages.portfolio_updates).toMatchObject({ healthy: true, skipped: 'idle' });
    book.recordTopic('paper', 'orders.filled', T + 31_000);
    expect(judge(book, T + 31_000 + DEFAULT_THRESHOLDS.portfolioMs + 1).stages.portfolio_updates?.healthy).toBe(false);
  });

  it('events skipped by a lossy subscription may have been the answer: no latency claim on them', () => {
    const book = new StageBook(['paper']);
    trade(book, T);
    book.recordTopic('paper', 'signals.raw', T + 5000);
    book.recordTopic('paper', 'signals.validated', T + 5001);
    rejectedUntil(book, T + 5002, T + 20_000);
    book.setMissed('paper', 'orders', 1);
    expect(judge(book, T + 20_000).stages.order_execution?.healthy).toBe(true);
    // The same total again is no new skip: a later unanswered signal is reported again
    book.recordTopic('paper', 'signals.validated', T + 20_001);
    book.setMissed('paper', 'orders', 1);
    expect(judge(book, T + 20_002 + DEFAULT_THRESHOLDS.orderMs).stages.order_execution?.healthy).toBe(false);
  });

  it('an answer the monitor sees before its input (other ring) still counts', () => {
    const a = new AwaitingBook();
    a.note('orders.submitted', 102);
    a.note('signals.validated', 101);
    expect(a.view().order_execution).toBeNull();
    a.note('signals.validated', 103);
    expect(a.view().order_execution).toBe(103);
  });

  it('property: with every input answered within the threshold, the order stage is never late', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: DEFAULT_THRESHOLDS.orderMs }), fc.boolean()), { maxLength: 60 }),
        fc.integer({ min: 0, max: 60_000 }),
        (steps, extra) => {
          const book = new StageBook(['paper']);
          let t = T;
          let last = T;
          for (const [gap, answerAfter, rejected] of steps) {
            t += gap;
            book.recordTopic('paper', 'signals.raw', t);
            if (rejected) {
              book.recordTopic('paper', 'signals.rejected', t);
              continue;
            }
            book.recordTopic('paper', 'signals.validated', t);
            book.recordTopic('paper', 'orders.submitted', t + answerAfter);
            last = Math.max(last, t + answerAfter);
          }
          const v = judge(book, Math.max(t, last) + extra);
          return v.stages.order_execution?.healthy === true;
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
