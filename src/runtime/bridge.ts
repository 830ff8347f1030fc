// Main-thread stream bridge for process children: drains the child's (lossy) ring subscriptions on
// a timer — no spinning, no parking in the main thread — coalesces ticks to the latest per
// instrument, and hands each batch to the IPC sender. A slow child only ever costs it ticks.
import { RingConsumer } from '../transport/ring.js';
import { decodeTick, copyTick, newMutableTick, TICK_TAG } from '../protocol/tick-record.js';
import { MARKET_TICKS } from '../protocol/topics.js';
import type { Tick } from '../domain/types.js';
import type { StreamBatch } from './process-protocol.js';

const decoder = new TextDecoder();

export interface BridgeSource {
  readonly topic: string;
  readonly sab: SharedArrayBuffer;
  readonly consumerIndex: number;
}

/** Starts a bridge; returns the stop function. */
export function startBridge(
  sources: readonly BridgeSource[],
  intervalMs: number,
  send: (b: StreamBatch) => void,
  onError?: (e: unknown) => void,
): () => void {
  let errors = 0;
  const consumers = sources.map((s) => ({ topic: s.topic, c: new RingConsumer(s.sab, s.consumerIndex, { lossy: true }), lastDropped: 0 }));
  for (const k of consumers) k.lastDropped = k.c.droppedCount;
  const scratch = newMutableTick();
  let decodedOk = false;
  let latest = new Map<number, Tick>();
  let events: { topic: string; seq: number; msg: unknown }[] = [];
  let currentTopic = '';
  let json: unknown;
  let currentSeq = 0;
  const decodeTickRecord = (payload: number, len: number, tag: number): void => {
    const c = consumers.find((k) => k.topic === MARKET_TICKS)!.c;
    decodedOk = tag === TICK_TAG && decodeTick(c.i32, c.f64, payload, len, scratch) === null;
  };
  const deliverTick = (): void => {
    if (decodedOk) latest.set(scratch.token, copyTick(scratch));
  };
  const timer = setInterval(() => {
    // The main thread must never die: a bad record costs that batch, counted, not the process
    try {
      pump();
    } catch (e) {
      errors += 1;
      onError?.(e);
      latest = new Map();
      events = [];
    }
  }, intervalMs);
  return () => clearInterval(timer);

  function pump(): void {
    const dropped: Record<string, number> = {};
    for (const k of consumers) {
      if (k.topic === MARKET_TICKS) {
        // Drain everything queued; only the newest tick per instrument survives coalescing.
        while (k.c.poll(decodeTickRecord, 4096, deliverTick) > 0);
      } else {
        currentTopic = k.topic;
        const u8 = k.c.u8;
        while (
          k.c.poll(
            (payload, len, _tag, seq) => {
              json = JSON.parse(decoder.decode(u8.slice(payload, payload + len)));
              currentSeq = seq;
            },
            1024,
            () => {
              // Watermarks are internal event-time markers: clients never see them
              if ((json as { type?: unknown } | null)?.type !== 'watermark') events.push({ topic: currentTopic, seq: currentSeq, msg: json });
            },
          ) > 0
        );
      }
      const d = k.c.droppedCount - k.lastDropped;
      if (d > 0) dropped[k.topic] = d;
      k.lastDropped = k.c.droppedCount;
    }
    if (latest.size === 0 && events.length === 0 && Object.keys(dropped).length === 0) return;
    send({ ticks: [...latest.values()], events, dropped });
    latest = new Map();
    events = [];
  }
}
