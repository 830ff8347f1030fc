// Bench-only feed: publishes synthetic ticks on `market.ticks` when told to (call 'run'), either
// open-loop at a fixed rate (tick i is due at t0 + i/rate whatever the pipeline does) or at max
// pace (as fast as the ring accepts: saturation throughput). Before publishing tick `seq` it
// records [seq, injectedNs, scheduledNs] in the shared stamp table read by the fill probe.
// Event time: token = tokens[seq % n], exchangeTs = t0 + floor(seq / n), so every (token, ts) is
// unique and signal keys (strategy:token:side:ts) never collide however fast we inject.
import { defineActor } from '../../src/runtime/actor.js';
import type { Tick } from '../../src/domain/types.js';
import { relNowNs, StampTable } from '../pipeline-harness/stamps.js';
import { fillBenchTick, newBenchTick } from '../pipeline-harness/ticks.js';
import { tickPublisher } from '../../src/services/feed/tick-channel.js';

/** Arguments of call('run'). */
export interface InjectRun {
  readonly rate: number;
  readonly count: number;
  readonly mode: 'paced' | 'max';
}

/** Reply of call('run'). */
export interface InjectResult {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly published: number;
  readonly firstNs: number;
  readonly lastNs: number;
  /** Injections later than their schedule by > 10 µs / > 100 µs / > 1 ms, and the worst. */
  readonly late10us: number;
  readonly late100us: number;
  readonly late1ms: number;
  readonly maxLateNs: number;
  /** tryPublish refusals (ring full under the block policy: backpressure reached the feed). */
  readonly blocked: number;
}

const SPIN_NS = 60_000; // closer than this to the due time we spin; farther we sleep
const YIELD_MS = 2; // hand the event loop a turn this often (heartbeat, control plane)

export default defineActor((ctx) => {
  const tokens = (ctx.args['tokens'] ?? []) as number[];
  const baseMs = ctx.args['baseMs'] as number;
  const stamps = new StampTable(ctx.args['stamps'] as SharedArrayBuffer);
  const pub = tickPublisher(ctx);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const eventT0 = Math.floor(ctx.clock.nowMs());
  const tick = newBenchTick();
  let seq = 0; // == the ring seq of the next record (one producer generation per system)
  let running = false;

  const fill = (s: number): void => fillBenchTick(tick, s, tokens, eventT0);

  const run = async (r: InjectRun): Promise<InjectResult> => {
    if (running) throw new Error('tick-injector: a run is already in progress');
    running = true;
    const firstSeq = seq;
    const periodNs = r.mode === 'paced' ? 1e9 / r.rate : 0;
    const t0 = relNowNs(baseMs) + 1e6;
    let late10us = 0;
    let late100us = 0;
    let late1ms = 0;
    let maxLateNs = 0;
    let blocked = 0;
    let firstNs = Number.NaN;
    let lastNs = Number.NaN;
    let slice = ctx.clock.monoMs();
    try {
      for (let i = 0; i < r.count; ) {
        if (ctx.clock.monoMs() - slice >= YIELD_MS) {
          await new Promise((res) => setImmediate(res));
          slice = ctx.clock.monoMs();
        }
        const due = t0 + i * periodNs;
        let now = relNowNs(baseMs);
        if (r.mode === 'paced' && due - now > SPIN_NS) {
          // Sleep (no CPU) until just before the due time, but never past the yield deadline
          Atomics.wait(sleeper, 0, 0, Math.min((due - now - SPIN_NS / 2) / 1e6, YIELD_MS));
          continue;
        }
        while (now < due) now = relNowNs(baseMs);
        fill(seq);
        stamps.write(seq, now, r.mode === 'paced' ? due : now);
        if (!pub.tryPublish(tick, ctx.clock.monoNs())) {
          blocked++;
          await pub.waitForSpace(5);
          slice = ctx.clock.monoMs();
          continue;
        }
        if (i === 0) firstNs = now;
        lastNs = now;
        if (r.mode === 'paced') {
          const late = now - due;
          if (late > maxLateNs) maxLateNs = late;
          if (late > 10_000) late10us++;
          if (late > 100_000) late100us++;
          if (late > 1_000_000) late1ms++;
        }
        seq++;
        i++;
      }
    } finally {
      running = false;
    }
    return { firstSeq, lastSeq: seq - 1, published: seq - firstSeq, firstNs, lastNs, late10us, late100us, late1ms, maxLateNs, blocked };
  };

  return {
    snapshot: () => ({ nextSeq: seq, running }),
    call(command: string, arg: unknown) {
      if (command === 'run') return run(arg as InjectRun);
      if (command === 'next-seq') return seq;
      throw new Error(`tick-injector: unknown command "${command}" (expected run, next-seq)`);
    },
  };
});
