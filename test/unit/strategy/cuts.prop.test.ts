// The split topology's cut protocol on a simulated actor graph (fast-check; the seed is printed on
// failure): a deterministic runner that signals on some ticks and takes cuts, a core that handles
// its records in order and takes checkpoints naming the last cut it handled, and crashes at random
// points of a random interleaving: the runner alone, the core alone (both within one run: the
// rings keep every unreleased record) and the whole process (fresh rings; the feed rewinds to the
// oldest position the checkpoint needs). Restore decisions come from the real coresView and
// resumePoint, the release decisions from the real CutBook (src/services/strategy/cuts.ts); the skip
// rules are the actors'. Whatever the
// interleaving, the core's handled signals must equal those of an uninterrupted run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_VERSION, type CheckpointRecord } from '../../../src/protocol/checkpoint.js';
import { coresView, CutBook, CUT_VERSION, resumePoint, type StoredCut } from '../../../src/services/strategy/cuts.js';

type Rec = { kind: 'signal'; seq: number; key: string; f: number } | { kind: 'wm'; f: number } | { kind: 'cut'; n: number; nextFeedSeq: number; nextSigSeq: number };

interface Runner {
  acc: number;
  nextSigSeq: number;
  nextFeedSeq: number;
  lastTickSeq: number;
  skipThrough: number;
  /** Next tick ring position to read (redelivery starts after the released one). */
  readAt: number;
  /** This incarnation's cut bookkeeping (the real CutBook). */
  book: CutBook;
}

interface Core {
  handled: string[];
  lastSigSeq: number;
  nextFeedSeq: number;
  cut: { n: number; nextSigSeq: number } | null;
  rewind: number;
  readAt: number;
}

interface World {
  run: number;
  ticks: number[]; // this run's tick ring: feed positions
  feedAt: number; // next feed position to publish
  chan: Rec[]; // this run's signals.raw ring
  runner: Runner;
  core: Core;
  store: { cuts: Map<number, StoredCut>; checkpoint: (CheckpointRecord & { state: string[]; chanPos: number; runId: string }) | null };
  pendingCuts: { cut: StoredCut; rec: Rec }[];
  released: number; // runner's tick release position (this run)
}

const N = 40;
/** The deterministic runner step: signals on some ticks (its state carries over every tick). */
function step(r: Runner, f: number): Rec[] {
  r.acc = (r.acc * 31 + f * 7 + 3) % 1009;
  const out: Rec[] = [];
  if (r.acc % 3 === 0) out.push({ kind: 'signal', seq: r.nextSigSeq++, key: `${f}:${r.acc}`, f });
  out.push({ kind: 'wm', f });
  return out;
}

function freshRunner(): Runner {
  return { acc: 1, nextSigSeq: 0, nextFeedSeq: 0, lastTickSeq: -1, skipThrough: -1, readAt: 0, book: new CutBook(0, 0, undefined, 'r0') };
}

function freshCore(): Core {
  return { handled: [], lastSigSeq: -1, nextFeedSeq: 0, cut: null, rewind: 0, readAt: 0 };
}

const runId = (w: World): string => `r${w.run}`;

function restoreRunner(w: World): void {
  const view = coresView([w.store.checkpoint]);
  const cut = view.cut === null ? undefined : w.store.cuts.get(view.cut);
  const resume = resumePoint(cut, runId(w), true, view);
  const r = freshRunner();
  if (cut !== undefined) {
    r.acc = Number(cut.state.engine as unknown);
    r.nextFeedSeq = cut.nextFeedSeq;
  }
  r.book = new CutBook(Math.max(0, ...w.store.cuts.keys()), view.cut ?? 0, cut, runId(w));
  r.nextSigSeq = resume.nextSigSeq;
  r.skipThrough = resume.skipThroughTickSeq;
  r.lastTickSeq = resume.skipThroughTickSeq;
  r.readAt = w.released + 1;
  w.runner = r;
}

function restoreCore(w: World): void {
  const cp = w.store.checkpoint;
  const c = freshCore();
  if (cp !== null) {
    c.handled = [...cp.state];
    c.lastSigSeq = cp.consumed!.lastSigSeq;
    c.nextFeedSeq = cp.consumed!.nextFeedSeq;
    c.cut = cp.runner ?? null;
    c.rewind = cp.runner != null ? cp.replay!.nextFeedSeq : 0;
    c.readAt = cp.runId === runId(w) ? cp.chanPos + 1 : 0;
  }
  w.core = c;
}

type Op = 'feed' | 'runner' | 'core' | 'cut' | 'put' | 'checkpoint' | 'release' | 'crash-runner' | 'crash-core' | 'crash-all';

function simulate(ops: readonly Op[]): string[] {
  const w: World = {
    run: 0,
    ticks: [],
    feedAt: 0,
    chan: [],
    runner: freshRunner(),
    core: freshCore(),
    store: { cuts: new Map(), checkpoint: null },
    pendingCuts: [],
    released: -1,
  };
  const act = (op: Op): void => {
    const r = w.runner;
    const c = w.core;
    switch (op) {
      case 'feed':
        if (w.feedAt < N) w.ticks.push(w.feedAt++);
        return;
      case 'runner': {
        if (r.readAt >= w.ticks.length) return;
        const seq = r.readAt++;
        const f = w.ticks[seq]!;
        if (seq <= r.skipThrough || f < r.nextFeedSeq) return;
        r.nextFeedSeq = f + 1;
        r.lastTickSeq = seq;
        w.chan.push(...step(r, f));
        return;
      }
      case 'core': {
        if (c.readAt >= w.chan.length) return;
        const rec = w.chan[c.readAt++]!;
        if (rec.kind === 'cut') {
          c.cut = { n: rec.n, nextSigSeq: rec.nextSigSeq };
          c.rewind = rec.nextFeedSeq;
          return;
        }
        c.nextFeedSeq = Math.max(c.nextFeedSeq, rec.f + 1);
        if (rec.kind === 'signal') {
          if (rec.seq <= c.lastSigSeq) return;
          c.lastSigSeq = rec.seq;
          c.handled.push(rec.key);
        }
        return;
      }
      case 'cut': {
        const n = r.book.take(r.lastTickSeq);
        const cut: StoredCut = { v: CUT_VERSION, n, runId: runId(w), tickSeq: r.lastTickSeq, nextFeedSeq: r.nextFeedSeq, nextSigSeq: r.nextSigSeq, state: { v: 1, savedAt: 0, engine: r.acc as never } };
        w.pendingCuts.push({ cut, rec: { kind: 'cut', n, nextFeedSeq: cut.nextFeedSeq, nextSigSeq: cut.nextSigSeq } });
        return;
      }
      case 'put': {
        // The oldest pending put commits; only then is its record sent
        const p = w.pendingCuts.shift();
        if (p === undefined) return;
        w.store.cuts.set(p.cut.n, p.cut);
        w.chan.push(p.rec);
        return;
      }
      case 'checkpoint':
        w.store.checkpoint = {
          v: CHECKPOINT_VERSION,
          n: 0,
          at: 0,
          replay: { fingerprint: { headBytes: 0, sha1: '' }, nextFeedSeq: Math.min(c.rewind, c.nextFeedSeq) },
          runner: c.cut,
          consumed: { nextFeedSeq: c.nextFeedSeq, lastSigSeq: c.lastSigSeq, runId: runId(w) },
          state: [...c.handled],
          chanPos: c.readAt - 1,
          runId: runId(w),
        };
        return;
      case 'release': {
        // The runner releases what the real CutBook says: only ticks of its own cuts (a
        // predecessor's cut may be further on than the state this incarnation restored)
        const named = coresView([w.store.checkpoint]).cut;
        const through = named === null ? null : r.book.complete(named).releaseThrough;
        if (through !== null) w.released = Math.max(w.released, through);
        return;
      }
      case 'crash-runner':
        w.pendingCuts = [];
        restoreRunner(w);
        return;
      case 'crash-core': {
        // rest_for_one: the core, then the feed and the runner after it, within the same run (the
        // rings keep their records); the feed resumes from the oldest position a checkpoint needs
        restoreCore(w);
        const cp = w.store.checkpoint;
        w.feedAt = Math.min(w.feedAt, cp === null ? 0 : cp.replay!.nextFeedSeq);
        w.pendingCuts = [];
        restoreRunner(w);
        return;
      }
      case 'crash-all': {
        w.run++;
        w.pendingCuts = [];
        w.chan = [];
        w.ticks = [];
        w.released = -1;
        const cp = w.store.checkpoint;
        w.feedAt = cp === null ? 0 : cp.replay!.nextFeedSeq;
        restoreCore(w);
        restoreRunner(w);
        return;
      }
    }
  };
  for (const op of ops) act(op);
  // Then everything runs to the end, with no further crash
  for (let guard = 0; guard < 100_000; guard++) {
    const before = `${w.feedAt}/${w.runner.readAt}/${w.core.readAt}/${w.pendingCuts.length}`;
    for (const op of ['feed', 'runner', 'put', 'core'] as const) act(op);
    if (before === `${w.feedAt}/${w.runner.readAt}/${w.core.readAt}/${w.pendingCuts.length}` && w.feedAt >= N) break;
  }
  return w.core.handled;
}

const op = fc.oneof(
  { arbitrary: fc.constantFrom<Op>('feed', 'runner', 'core'), weight: 12 },
  { arbitrary: fc.constantFrom<Op>('cut', 'put', 'checkpoint', 'release'), weight: 4 },
  { arbitrary: fc.constantFrom<Op>('crash-runner', 'crash-core', 'crash-all'), weight: 1 },
);

describe('cut protocol on a simulated runner → core graph', () => {
  const reference = simulate([]);

  it('the uninterrupted run handles signals', () => {
    expect(reference.length).toBeGreaterThan(5);
  });

  it('a whole-process crash before any cut: the runner starts over from the first tick with ordinal 0', () => {
    const some = (o: Op, k: number): Op[] => Array.from({ length: k }, () => o);
    const ops = [...some('feed', 20), ...some('runner', 20), ...some('core', 40), 'checkpoint', 'crash-all'] as Op[];
    expect(simulate(ops)).toEqual(reference);
  });

  it('a whole-process crash after cuts: the runner restores the cut the checkpoint names', () => {
    const some = (o: Op, k: number): Op[] => Array.from({ length: k }, () => o);
    const ops = [...some('feed', 10), ...some('runner', 10), 'cut', 'put', ...some('core', 30), 'checkpoint', ...some('feed', 10), ...some('runner', 10), ...some('core', 20), 'crash-all'] as Op[];
    expect(simulate(ops)).toEqual(reference);
  });

  it('any interleaving of cuts, checkpoints, releases and crashes ends with the same handled signals', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 60, maxLength: 300, size: 'max' }), (ops) => {
        expect(simulate(ops)).toEqual(reference);
      }),
      { numRuns: 500 },
    );
  });
});
