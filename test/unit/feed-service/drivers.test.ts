import { describe, expect, it } from 'vitest';
import { createReplayDecoder, createReplayPacer, createSyntheticFeed, formatTickJsonl } from '../../../src/domain/feed/index.js';
import type { Tick } from '../../../src/domain/types.js';
import type { ActorClock } from '../../../src/runtime/actor.js';
import type { FileLine } from '../../../src/services/feed/line-reader.js';
import { createReplayDriver } from '../../../src/services/feed/replay-driver.js';
import { createSyntheticDriver } from '../../../src/services/feed/synthetic-driver.js';
import { storedInstrument } from '../../../src/services/feed/instruments.js';

const clock: ActorClock = { nowMs: () => Date.now(), monoMs: () => performance.now(), monoNs: () => performance.now() * 1e6 };

function ticks(n: number): Tick[] {
  const feed = createSyntheticFeed({ instruments: [{ token: 738561 }, { token: 81153 }], seed: 'drv' });
  return Array.from({ length: n }, (_, i) => feed.next(1_737_690_300_000 + i * 5));
}

async function* linesOf(texts: readonly string[]): AsyncGenerator<FileLine> {
  for (let i = 0; i < texts.length; i++) yield { text: texts[i]!, lineNo: i + 1 };
}

/** A publisher that refuses every `refuseEvery`-th attempt, then frees space on waitForSpace. */
function flakyPublisher(refuseEvery: number) {
  const out: Tick[] = [];
  let attempts = 0;
  let waits = 0;
  return {
    out,
    waits: () => waits,
    tryPublish(t: Tick, stampNs?: number) {
      expect(stampNs).toBeGreaterThan(0);
      attempts++;
      if (attempts % refuseEvery === 0) return false;
      out.push(t);
      return true;
    },
    async waitForSpace() {
      waits++;
      await new Promise((r) => setTimeout(r, 1));
    },
  };
}

describe('replay driver', () => {
  it('publishes every decoded tick in order, waiting on refusals, skipping bad lines and the resumed prefix', async () => {
    const ts = ticks(40);
    const lines = ts.map(formatTickJsonl);
    lines.splice(10, 0, '{not json', '');
    const pub = flakyPublisher(3);
    const bad: number[] = [];
    const d = createReplayDriver({
      lines: linesOf(lines),
      decoder: createReplayDecoder('jsonl'),
      pacer: createReplayPacer({ pace: 'max' }),
      resumeFrom: 5,
      publisher: pub,
      clock,
      onBadLine: (e) => bad.push(e.line),
    });
    await d.run();
    expect(pub.out).toEqual(ts.slice(5));
    expect(pub.waits()).toBeGreaterThan(5);
    expect(bad).toEqual([11]);
    expect(d.stats()).toMatchObject({ position: 40, published: 35, lines: 42, badLines: 1, complete: true, lastTickTs: ts[39]!.exchangeTs });
  });

  it('paces realtime by recorded gaps and stops promptly mid-sleep', async () => {
    const ts = ticks(3).map((t, i) => ({ ...t, exchangeTs: 1_737_690_300_000 + i * 10_000 }));
    const pub = flakyPublisher(1_000_000);
    const d = createReplayDriver({
      lines: linesOf(ts.map(formatTickJsonl)),
      decoder: createReplayDecoder('jsonl'),
      pacer: createReplayPacer({ pace: 'realtime', speed: 10 }), // 1 s gaps
      resumeFrom: 0,
      publisher: pub,
      clock,
    });
    const run = d.run();
    await new Promise((r) => setTimeout(r, 150));
    expect(pub.out.length).toBe(1);
    const t0 = performance.now();
    await d.stop();
    await run;
    // Interrupted the ~850 ms sleep instead of sitting it out
    expect(performance.now() - t0).toBeLessThan(500);
    expect(d.stats()).toMatchObject({ position: 1, published: 1, complete: false });
  });
});

describe('synthetic driver', () => {
  it('emits about rate × time while open, counts refusals as drops, and nothing while closed', async () => {
    let open = true;
    const pub = flakyPublisher(4);
    const feed = createSyntheticFeed({ instruments: [{ token: 738561 }], seed: 's' });
    const d = createSyntheticDriver({ feed, ticksPerSecond: 2000, publisher: pub, clock, isOpen: () => open, closedCheckMs: 20 });
    d.start();
    await new Promise((r) => setTimeout(r, 300));
    open = false;
    await new Promise((r) => setTimeout(r, 60));
    const s1 = d.stats();
    expect(s1.generated).toBeGreaterThan(300);
    expect(s1.generated).toBeLessThan(800);
    expect(s1.dropped).toBe(Math.floor(s1.generated / 4));
    expect(s1.published + s1.dropped).toBe(s1.generated);
    expect(s1.marketOpen).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(d.stats().generated).toBe(s1.generated);
    d.stop();
  });
});

describe('storedInstrument', () => {
  it('keeps valid registry fields and rejects records that are not instruments', () => {
    expect(storedInstrument(5, { token: 5, tickSize: 10, lotSize: 2, tradable: false, divisor: 100, lastPrice: 1234, name: 'x' })).toEqual({
      token: 5, tickSize: 10, lotSize: 2, tradable: false, divisor: 100, lastPrice: 1234,
    });
    expect(storedInstrument(5, { token: 6 })).toBeUndefined();
    expect(storedInstrument(5, { token: 5, tickSize: 0 })).toBeUndefined();
    expect(storedInstrument(5, null)).toBeUndefined();
    expect(storedInstrument(5, { token: 5 })).toEqual({ token: 5 });
  });
});
