// The split trading core's intake of the runner's ring (src/services/trading-core/runner-intake.ts):
// ordinals at or below the last handled are regenerated copies; the tick gate only goes up; a cut
// is named by the next checkpoint with the rewind point min(cut position, core position); before
// any cut the rewind point is the first tick; a restored checkpoint carries all of it over.
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_VERSION, type CheckpointRecord } from '../../../src/protocol/checkpoint.js';
import type { Envelope } from '../../../src/protocol/envelope.js';
import { RunnerIntake } from '../../../src/services/trading-core/runner-intake.js';

const base = { id: 'x', correlationId: 'x', causationId: null, traceId: 'x', parentTraceId: null, broker: 'paper', ts: 0, key: 'k', source: 'strategy-runner', version: 1 } as const;
const signal = (seq: number, tickSeq: number): Envelope => ({
  ...base,
  type: 'trading_signal',
  seq,
  data: { strategyId: 's', token: 5, side: 'BUY', quantity: 1, price: 100, ts: 1, confidence: 1, order: {}, metadata: {}, tickSeq, feedSeq: tickSeq },
});
const wm = (tickSeq: number): Envelope => ({ ...base, type: 'watermark', data: { tickSeq } });
const cut = (n: number, tickSeq: number, nextFeedSeq: number, nextSigSeq: number): Envelope => ({ ...base, type: 'cut', data: { n, tickSeq, nextFeedSeq, nextSigSeq } });

describe('RunnerIntake', () => {
  it('hands new signals over with their tick, skips regenerated ordinals, and the gate only goes up', () => {
    const i = new RunnerIntake(undefined);
    expect(i.accept(signal(0, 4))).toMatchObject({ kind: 'signal', through: 4 });
    expect(i.accept(wm(9))).toEqual({ kind: 'ticks', through: 9 });
    expect(i.gate).toBe(9);
    expect(i.accept(signal(1, 10))).toMatchObject({ kind: 'signal', through: 10 });
    // A restarted runner regenerates from its cut: same ordinals, older ticks
    expect(i.accept(signal(0, 4))).toEqual({ kind: 'replayed' });
    expect(i.accept(signal(1, 10))).toEqual({ kind: 'replayed' });
    expect(i.accept(wm(6))).toEqual({ kind: 'ticks', through: 6 });
    expect(i.gate).toBe(10);
    expect(i.accept(signal(2, 12))).toMatchObject({ kind: 'signal', through: 12 });
    expect(i.lastSigSeq).toBe(2);
  });

  it('refuses what is not a signal, a watermark or a cut, and a malformed signal, without moving', () => {
    const i = new RunnerIntake(undefined);
    expect(i.accept({ ...base, type: 'order_filled', data: {} })).toMatchObject({ kind: 'invalid' });
    expect(i.accept(undefined)).toMatchObject({ kind: 'invalid' });
    expect(i.accept({ ...signal(0, 3), data: { strategyId: '' } })).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('strategyId') });
    expect(i.lastSigSeq).toBe(-1);
    expect(i.gate).toBe(-1);
  });

  it('names the last cut, rewinds to the earlier of the cut and the core, and to the first tick before any cut', () => {
    const i = new RunnerIntake(undefined);
    expect(i.checkpoint(50)).toEqual({ rewindTo: 0, runner: null, lastSigSeq: -1 });
    i.accept(signal(0, 3));
    expect(i.accept(cut(1, 20, 21, 1))).toEqual({ kind: 'ticks', through: 20 });
    expect(i.checkpoint(30)).toEqual({ rewindTo: 21, runner: { n: 1, nextSigSeq: 1 }, lastSigSeq: 0 });
    expect(i.checkpoint(15).rewindTo).toBe(15);
  });

  it('restores from a checkpoint: the ordinal, the cut and its rewind point', () => {
    const restored: CheckpointRecord = {
      v: CHECKPOINT_VERSION,
      n: 3,
      at: 0,
      replay: { fingerprint: { headBytes: 0, sha1: 'a' }, nextFeedSeq: 21 },
      runner: { n: 1, nextSigSeq: 1 },
      consumed: { nextFeedSeq: 40, lastSigSeq: 7, runId: 'r' },
    };
    const i = new RunnerIntake(restored);
    expect(i.accept(signal(7, 30))).toEqual({ kind: 'replayed' });
    expect(i.checkpoint(40)).toEqual({ rewindTo: 21, runner: { n: 1, nextSigSeq: 1 }, lastSigSeq: 7 });
    // A checkpoint that names no cut yet: the runner starts from the first tick
    expect(new RunnerIntake({ ...restored, runner: null }).checkpoint(40).rewindTo).toBe(0);
  });
});
