// Child of tap-measure.ts: receives ticks either as stream-tap frames on fd 4 (the gateway's
// channel) or as structured-clone IPC batches (the channel the tap replaced), and records
// publish → decoded latency from each tick's lastTradeTs stamp.
import { Socket } from 'node:net';
import { Histogram } from '../harness/histogram.js';
import type { Tick } from '../../src/domain/types.js';
import { STREAM_FD } from '../../src/runtime/process-protocol.js';
import { FrameReader } from '../../src/runtime/stream-wire.js';
import { BatchDecoder } from '../../src/gateway/stream-batch.js';
import { epochMs } from './protocol.js';

let h = new Histogram();
let ticks = 0;
let frames = 0;
const take = (batch: readonly Tick[]): void => {
  const now = epochMs();
  frames += 1;
  for (const t of batch) {
    ticks += 1;
    h.record((now - t.lastTradeTs) * 1e6);
  }
};
if (process.argv[2] === 'tap') {
  const decoder = new BatchDecoder();
  const reader = new FrameReader((body) => take(decoder.decode(body).ticks));
  const sock = new Socket({ fd: STREAM_FD, readable: true, writable: false });
  sock.on('data', (c: Buffer) => reader.push(c));
}
process.on('message', (m: { type: string; ticks?: Tick[] }) => {
  if (m.type === 'batch') take(m.ticks!);
  else if (m.type === 'report') {
    const cpu = process.cpuUsage();
    process.send!({ type: 'report', counts: Array.from(h.counts), ticks, frames, cpuUs: cpu.user + cpu.system });
    h = new Histogram();
    ticks = 0;
    frames = 0;
  } else if (m.type === 'stop') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
