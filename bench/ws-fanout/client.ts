// Client child of the ws-fanout bench (G8): many `ws` client sockets in ONE process (separate from
// the server's), each recording, per phase, measured frames, sequence gaps and two latencies:
// tick-in → received and scheduled injection → received (epoch ms from timeOrigin + now() on both
// sides, same box). One optional extra socket is the paused reader: its net.Socket is paused right
// after the handshake so it never reads, and it is excluded from the others' statistics.
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { Histogram } from '../harness/histogram.js';
import { epochMs, OFF_IN, OFF_MEASURED, OFF_PHASE, OFF_SCHED, OFF_SEQ, type FromClient, type ToClient } from './protocol.js';

const send = (m: FromClient): void => void process.send?.(m);

interface PhaseAcc {
  deliveries: number;
  slowDeliveries: number;
  gaps: number;
  readonly perSocket: Map<number, number>;
  readonly inH: Histogram;
  readonly schedH: Histogram;
}

const phases = new Map<number, PhaseAcc>();
const sockets: WebSocket[] = [];
let slow: WebSocket | null = null;
let cpuMark = process.cpuUsage();
let cpuMarkT = performance.now();

function acc(phase: number): PhaseAcc {
  let a = phases.get(phase);
  if (a === undefined) {
    a = { deliveries: 0, slowDeliveries: 0, gaps: 0, perSocket: new Map(), inH: new Histogram(), schedH: new Histogram() };
    phases.set(phase, a);
  }
  return a;
}

function open(url: string, id: number, paused: boolean): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let lastSeq = -1;
    let lastPhase = -1;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const now = epochMs();
      if (!isBinary || data.length < OFF_IN + 8) return;
      // Every record of the frame is one delivered tick (tap-fed kinds batch what arrived together)
      const size = data.readUInt16LE(6);
      const count = data.readUInt32LE(8);
      for (let r = 0; r < count; r++) {
        const o = r * size;
        const phase = data.readUInt32LE(o + OFF_PHASE);
        const seq = data.readUInt32LE(o + OFF_SEQ);
        if (phase !== lastPhase) {
          lastPhase = phase;
          lastSeq = seq - 1;
        }
        const gap = seq - lastSeq - 1;
        lastSeq = seq;
        if (data.readUInt32LE(o + OFF_MEASURED) !== 1) continue;
        const a = acc(phase);
        if (paused) {
          a.slowDeliveries++;
          continue;
        }
        a.deliveries++;
        a.gaps += gap;
        a.perSocket.set(id, (a.perSocket.get(id) ?? 0) + 1);
        a.inH.record((now - data.readDoubleLE(o + OFF_IN)) * 1e6);
        a.schedH.record((now - data.readDoubleLE(o + OFF_SCHED)) * 1e6);
      }
    });
    ws.once('open', () => {
      if (paused) {
        // Stop reading: the kernel buffers fill, then the server's own per-socket buffer
        ((ws as unknown as { _socket: Socket })._socket).pause();
        ws.send('slow');
      }
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

async function connect(url: string, n: number): Promise<void> {
  const t0 = performance.now();
  const batch = 50;
  for (let i = 0; i < n; i += batch) {
    const k = Math.min(batch, n - i);
    const opened = await Promise.all(Array.from({ length: k }, (_, j) => open(url, i + j, false)));
    for (const ws of opened) {
      ws.on('error', () => undefined);
      sockets.push(ws);
    }
  }
  send({ type: 'connected', n: sockets.length, ms: performance.now() - t0 });
}

function report(phase: number): void {
  const a = acc(phase);
  phases.delete(phase);
  const per = [...a.perSocket.values()];
  const cpu = process.cpuUsage(cpuMark);
  const now = performance.now();
  send({
    type: 'phase-report',
    phase,
    deliveries: a.deliveries,
    slowDeliveries: a.slowDeliveries,
    gaps: a.gaps,
    minPerSocket: per.length < sockets.length ? 0 : Math.min(...per),
    maxPerSocket: per.length === 0 ? 0 : Math.max(...per),
    inCounts: Array.from(a.inH.counts),
    schedCounts: Array.from(a.schedH.counts),
    cpu: { userUs: cpu.user, systemUs: cpu.system },
    cpuWallMs: now - cpuMarkT,
  });
  cpuMark = process.cpuUsage();
  cpuMarkT = now;
}

function shutdown(): void {
  for (const ws of sockets) ws.terminate();
  slow?.terminate();
  setTimeout(() => process.exit(0), 20);
}

process.on('disconnect', () => process.exit(0));
process.on('message', (m: ToClient) => {
  const fail = (e: unknown): void => send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  switch (m.type) {
    case 'connect':
      connect(m.url, m.n).catch(fail);
      break;
    case 'slow-open':
      open(m.url, -1, true).then((ws) => {
        ws.on('error', () => undefined);
        slow = ws;
        send({ type: 'slow-opened' });
      }, fail);
      break;
    case 'slow-close':
      slow?.terminate();
      slow = null;
      send({ type: 'slow-closed' });
      break;
    case 'report':
      report(m.phase);
      break;
    case 'stop':
      shutdown();
      break;
  }
});
