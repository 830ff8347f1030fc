// KiteTicker parser suite: packets/s in full mode, our parseKiteFrame (into one reused MutableTick)
// against the official kiteconnect 5.3.0 parser, in the same run on the same frames, plus heap
// bytes allocated per packet by each. Workload: 256 frames of 20 full (184-byte) packets, one frame
// per step of the sandbox market over the 20 default instruments (realistic values).
//
// The official parser (`parseBinary` in kiteconnect's dist/lib/ticker.js) is module-private: it is
// loaded here by evaluating that file unchanged in a CommonJS wrapper that also returns the
// function. Only its WebSocket/event plumbing is bypassed, as our side bypasses ours.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as v8 from 'node:v8';
import { encodeKiteFrame } from '../src/kite/ticker/encode.js';
import { parseKiteFrame, type KitePacketSink } from '../src/kite/ticker/frame.js';
import { PACKET } from '../src/kite/ticker/layout.js';
import { createSandboxMarket, loadSandboxInstruments } from '../src/kite/sandbox/market.js';
import { newMutableTick } from '../src/protocol/tick-record.js';
import type { Tick } from '../src/domain/types.js';
import { GcMeter } from './harness/gc.js';
import { mdTable, rate, ratio, spread, textTable } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { resultHeader, verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult } from './harness/suite.js';

type OfficialParse = (bin: ArrayBuffer) => { last_price: number }[];

/** The official client's parseBinary, evaluated from its installed file. */
function officialParser(): OfficialParse {
  const require = createRequire(import.meta.url);
  const file = require.resolve('kiteconnect/dist/lib/ticker.js');
  const source = readFileSync(file, 'utf8');
  const module = { exports: {} as Record<string, unknown> };
  const load = new Function('exports', 'require', 'module', '__filename', '__dirname', `${source}\nreturn parseBinary;`) as (
    ...args: unknown[]
  ) => OfficialParse;
  return load(module.exports, createRequire(file), module, file, file.replace(/\/[^/]*$/, ''));
}

/** Full-mode frames of the sandbox market: one per step, one packet per instrument. */
function workload(frames: number): { bytes: Uint8Array[]; buffers: ArrayBuffer[]; packetsPerFrame: number; indexPerFrame: number } {
  const market = createSandboxMarket({ instruments: loadSandboxInstruments(), seed: 'bench-kite' });
  let step: Tick[] = [];
  market.onTick((t) => step.push(t));
  const bytes: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) {
    step = [];
    market.step(1_718_176_569_000 + i * 1000);
    const len = (t: Tick) => ((t.token & 0xff) === 9 ? PACKET.INDEX_FULL : PACKET.FULL);
    bytes.push(encodeKiteFrame(step.map((t) => ({ length: len(t), tick: t }))));
  }
  const buffers = bytes.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  return { bytes, buffers, packetsPerFrame: step.length, indexPerFrame: step.filter((t) => !t.tradable).length };
}

// Consumed results, so no parse is optimised away. A typed-array slot, not a `let`: assigning a
// non-Smi number to a module variable boxes it (a heap allocation the probe would charge to the parser)
const sink = new Float64Array(1);

/** Packets/s over `timeMs` of repeated passes (checked every 64 frames). */
function timed(timeMs: number, frames: number, perFrame: number, parseFrame: (i: number) => void): number {
  const t0 = performance.now();
  let n = 0;
  let now = t0;
  do {
    for (let k = 0; k < 64; k++) parseFrame(n++ % frames);
    now = performance.now();
  } while (now - t0 < timeMs);
  return (n * perFrame * 1000) / (now - t0);
}

/** Heap bytes per packet over `frames` frames, or NaN when a GC ran (the heap delta is then meaningless). */
async function bytesPerPacket(frames: number, perFrame: number, count: number, parseFrame: (i: number) => void): Promise<{ bytes: number; gcs: number }> {
  const gc = new GcMeter();
  const before = v8.getHeapStatistics().used_heap_size;
  gc.start();
  for (let n = 0; n < count; n++) parseFrame(n % frames);
  const after = v8.getHeapStatistics().used_heap_size;
  const g = await gc.stop();
  return { bytes: g.count === 0 ? Math.max(0, after - before) / (count * perFrame) : Number.NaN, gcs: g.count };
}

export const kiteParserSuite: BenchSuite = {
  name: 'kite-parser',
  title: 'KiteTicker parser: full-mode packets/s, ours vs the official kiteconnect parser',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const runs = ctx.quick ? 1 : ctx.runs;
    const timeMs = ctx.quick ? 100 : 1500;
    const w = workload(256);
    const frames = w.bytes.length;
    const tick = newMutableTick();
    const packetSink: KitePacketSink = {
      packet: (t) => {
        sink[0] = sink[0]! + t.ltp + t.depthSell[4]!.price;
      },
      error: () => {
        throw new Error('kite-parser bench: the workload must be well-formed');
      },
    };
    const parseBinary = officialParser();
    const oursFrame = (i: number): void => {
      parseKiteFrame(w.bytes[i]!, tick, packetSink);
    };
    const theirsFrame = (i: number): void => {
      const ticks = parseBinary(w.buffers[i]!);
      sink[0] = sink[0]! + ticks.length + ticks[0]!.last_price;
    };
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < runs; r++) {
      ctx.log(`kite-parser: run ${r + 1}/${runs}`);
      // Warm both up first so neither is measured while tiering up
      timed(Math.min(200, timeMs), frames, w.packetsPerFrame, oursFrame);
      timed(Math.min(200, timeMs), frames, w.packetsPerFrame, theirsFrame);
      ours.push(timed(timeMs, frames, w.packetsPerFrame, oursFrame));
      theirs.push(timed(timeMs, frames, w.packetsPerFrame, theirsFrame));
    }
    // Allocation probes: ours over many frames (any per-packet allocation would show), theirs over few
    // (it allocates several objects per packet and would trigger a scavenge on a long probe)
    // (the probe's own overhead, measured with a parser that does nothing, is subtracted)
    const probeFrames = ctx.quick ? 2_000 : 20_000;
    const base = await bytesPerPacket(frames, w.packetsPerFrame, probeFrames, () => undefined);
    const net = (a: { bytes: number; gcs: number }) => ({ bytes: Number.isNaN(base.bytes) ? a.bytes : Math.max(0, a.bytes - base.bytes), gcs: a.gcs });
    const oursAlloc = net(await bytesPerPacket(frames, w.packetsPerFrame, probeFrames, oursFrame));
    const theirsAlloc = await bytesPerPacket(frames, w.packetsPerFrame, 5, theirsFrame);
    const o = spread(ours);
    const t = spread(theirs);
    const speedup = o.median / t.median;
    const goals: GoalCheck[] = [
      {
        id: 'KITE-PARSE',
        what: 'full-mode packets/s, ours ÷ official kiteconnect parser (same run, same frames)',
        measured: ratio(speedup),
        floor: '≥ 10×',
        stretch: '≥ 30×',
        verdict: verdict(speedup, 10, 30, false),
        value: speedup,
        unit: '×',
      },
      {
        id: 'KITE-ALLOC',
        what: 'heap bytes allocated per packet by our parser',
        measured: Number.isNaN(oursAlloc.bytes) ? `n/a (${oursAlloc.gcs} GC during the probe)` : `${oursAlloc.bytes.toFixed(3)} B`,
        floor: '< 1 B (no per-packet allocation)',
        stretch: '0 B',
        verdict: Number.isNaN(oursAlloc.bytes) ? 'n/a' : verdict(oursAlloc.bytes, 1, 0, true),
        value: oursAlloc.bytes,
        unit: 'B/packet',
      },
    ];
    const fmtAlloc = (a: { bytes: number; gcs: number }): string => (Number.isNaN(a.bytes) ? `n/a (${a.gcs} GC)` : `${a.bytes.toFixed(a.bytes < 10 ? 3 : 0)} B`);
    const rows = [
      ['parser', 'packets/s (median)', 'spread', 'heap bytes / packet'],
      ['ours: parseKiteFrame → reused MutableTick', rate(o.median), runs > 1 ? `${rate(o.min)} – ${rate(o.max)}` : '—', fmtAlloc(oursAlloc)],
      ['official: kiteconnect 5.3.0 parseBinary', rate(t.median), runs > 1 ? `${rate(t.min)} – ${rate(t.max)}` : '—', fmtAlloc(theirsAlloc)],
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'stretch', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.stretch, g.verdict])];
    const notes = [
      `${frames} frames × ${w.packetsPerFrame} packets (${w.packetsPerFrame - w.indexPerFrame} × 184-byte full + ${w.indexPerFrame} × 32-byte index full), ${timeMs} ms per parser and run, ${runs} run(s), median shown; both warmed up first.`,
      `Heap bytes per packet: used-heap growth over a probe with no GC in between (n/a if a GC ran); ours over ${probeFrames} frames minus the same probe around a no-op, the official parser over 5 frames.`,
      `The official parser is kiteconnect's own parseBinary, evaluated unchanged from its installed file (it is not exported). (sink ${sink[0]! % 1000})`,
    ];
    const text = [`Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK: sizes too small for conclusions]' : ''}`, '', textTable(rows), '', 'Goals', textTable(goalRows), '', ...notes].join('\n');
    const markdown = [
      `## KiteTicker parser (suite \`kite-parser\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
      '',
      `Machine: ${describeMachine(ctx.machine)}.`,
      '',
      '### Goals',
      mdTable(goalRows),
      '',
      '### Parsers',
      mdTable(rows),
      '',
      ...notes.map((x) => `- ${x}`),
    ].join('\n');
    return {
      ...resultHeader(kiteParserSuite, ctx, startedAt, t0),
      metrics: { timeMs, runs, frames, packetsPerFrame: w.packetsPerFrame, oursPacketsPerSec: o, officialPacketsPerSec: t, speedup, oursBytesPerPacket: oursAlloc, officialBytesPerPacket: theirsAlloc },
      goals,
      text,
      markdown,
    };
  },
};
