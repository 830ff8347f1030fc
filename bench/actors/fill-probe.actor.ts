// Bench-only probe: a subscriber of `{b}.orders.filled` beside the portfolio manager. For every fill
// it reads the order's tickSeq (carried from the signal into the order summary), looks up that
// tick's injection stamps in the shared stamp table and records now − stamp in two histograms:
// from the actual injection (service time) and from the open-loop schedule (coordinated-omission
// corrected). Only fills of ticks in the window set by call('begin') after its warm-up count.
import { defineActor } from '../../src/runtime/actor.js';
import type { Envelope } from '../../src/protocol/envelope.js';
import type { OrderFilledPayload } from '../../src/protocol/engine.js';
import { brokerTopic } from '../../src/protocol/topics.js';
import { Histogram } from '../harness/histogram.js';
import { GcMeter, type GcStats } from '../harness/gc.js';
import { relNowNs, StampTable, timerCostNs } from '../pipeline-harness/stamps.js';

/** Argument of call('begin'): ticks [fromSeq, toSeq] are measured, those < warmSeq discarded. */
export interface ProbeWindow {
  readonly fromSeq: number;
  readonly warmSeq: number;
  readonly toSeq: number;
  /** Ticks per time slice for the latency-over-time series (e.g. the rate: one slice per second). */
  readonly sliceTicks: number;
}

/** Counters of the current window (call('progress')). */
export interface ProbeProgress {
  /** Fills of window ticks (warm-up included). */
  readonly fills: number;
  readonly failed: number;
  readonly rejected: number;
  /** Fills whose stamp slot was overwritten (latency > table span) or had no tickSeq. */
  readonly stale: number;
  readonly noTickSeq: number;
  readonly outside: number;
  readonly firstFillNs: number;
  readonly lastFillNs: number;
}

/** Reply of call('end'). */
export interface ProbeResult extends ProbeProgress {
  readonly injected: readonly number[];
  readonly scheduled: readonly number[];
  /** p50/p99 per slice of `sliceTicks` window ticks, in tick order (null: no sample in that slice). */
  readonly slices: readonly ({ readonly p50Ns: number; readonly p99Ns: number; readonly count: number } | null)[];
  /** With args.stages: arrival of the raw signal / the verdict at this thread − injection stamp. */
  readonly stages: { readonly raw: readonly number[]; readonly validated: readonly number[] } | null;
  readonly timerNs: number;
  readonly negatives: number;
  readonly gc: GcStats;
}

export default defineActor((ctx) => {
  const baseMs = ctx.args['baseMs'] as number;
  const broker = 'paper' as const;
  const stamps = new StampTable(ctx.args['stamps'] as SharedArrayBuffer);
  const timerNs = timerCostNs(baseMs);
  let win: ProbeWindow = { fromSeq: 0, warmSeq: 0, toSeq: -1, sliceTicks: 1 };
  // Latency over the run: one histogram per slice of the window's ticks (state growth shows here)
  let slices: Histogram[] = [];
  let injected = new Histogram();
  let scheduled = new Histogram();
  let stages = { raw: new Histogram(), validated: new Histogram() };
  let gc = new GcMeter();
  const zero = { fills: 0, failed: 0, rejected: 0, stale: 0, noTickSeq: 0, outside: 0, firstFillNs: Number.NaN, lastFillNs: Number.NaN };
  let c = { ...zero };

  ctx.subscribe<Envelope<OrderFilledPayload>>(brokerTopic(broker, 'orders.filled'), (env) => {
    const now = relNowNs(baseMs);
    const seq = env.data?.order?.tickSeq;
    if (seq === undefined) {
      c.noTickSeq++;
      return;
    }
    if (seq < win.fromSeq || seq > win.toSeq) {
      c.outside++;
      return;
    }
    c.fills++;
    if (c.fills === 1) c.firstFillNs = now;
    c.lastFillNs = now;
    if (seq < win.warmSeq) return;
    const inj = stamps.injected(seq);
    const sch = stamps.scheduled(seq);
    if (Number.isNaN(inj)) {
      c.stale++;
      return;
    }
    injected.record(now - inj);
    const k = Math.floor((seq - win.fromSeq) / win.sliceTicks);
    (slices[k] ??= new Histogram()).record(now - inj);
    scheduled.record(now - sch);
  });
  // Stage breakdown (args.stages, split tree only): when the raw signal and the verdict of a window
  // tick reach this thread, so the tick-to-fill time splits into strategy, risk and engine hops
  const stage = (name: 'raw' | 'validated', seq: number | undefined): void => {
    if (seq === undefined || seq < win.warmSeq || seq > win.toSeq) return;
    const inj = stamps.injected(seq);
    if (!Number.isNaN(inj)) stages[name].record(relNowNs(baseMs) - inj);
  };
  if (ctx.args['stages'] === true) {
    ctx.subscribe<Envelope<{ tickSeq?: number }>>(brokerTopic(broker, 'signals.raw'), (env) => {
      if (env.type === 'trading_signal') stage('raw', env.data.tickSeq);
    });
    ctx.subscribe<Envelope<{ signal?: { tickSeq?: number } }>>(brokerTopic(broker, 'signals.validated'), (env) => {
      if (env.type === 'validated_signal') stage('validated', env.data.signal?.tickSeq);
    });
  }
  // Not measured, only counted: a run where signals are rejected or orders fail is not comparable
  ctx.subscribe<unknown>(brokerTopic(broker, 'orders.failed'), () => void c.failed++);
  ctx.subscribe<unknown>(brokerTopic(broker, 'signals.rejected'), () => void c.rejected++);

  return {
    snapshot: () => ({ window: win, ...c }),
    call(command: string, arg: unknown) {
      switch (command) {
        case 'begin':
          win = arg as ProbeWindow;
          injected = new Histogram();
          scheduled = new Histogram();
          stages = { raw: new Histogram(), validated: new Histogram() };
          slices = [];
          c = { ...zero };
          gc = new GcMeter();
          gc.start();
          return true;
        case 'progress':
          return { ...c } satisfies ProbeProgress;
        case 'end':
          return gc.stop().then(
            (g): ProbeResult => ({
              ...c,
              injected: Array.from(injected.counts),
              scheduled: Array.from(scheduled.counts),
              slices: Array.from(slices, (h) => (h === undefined ? null : { p50Ns: h.percentile(50), p99Ns: h.percentile(99), count: h.count })),
              stages: stages.raw.count > 0 ? { raw: Array.from(stages.raw.counts), validated: Array.from(stages.validated.counts) } : null,
              timerNs,
              negatives: injected.negatives,
              gc: g,
            }),
          );
        default:
          throw new Error(`fill-probe: unknown command "${command}" (expected begin, progress, end)`);
      }
    },
  };
});
