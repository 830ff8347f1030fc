// Serializes tick batches for WebSocket clients, once per batch rather than once per client: the
// JSON text of each tick is cached on the tick object (WeakMap, so it dies with the tick), and the
// whole-batch message for unfiltered clients is built once per (format, depth) and shared.
import type { Tick } from '../domain/types.js';
import { encodeTickFrame } from './tick-frame.js';
import { tickToJson } from './tick-json.js';

const plainText = new WeakMap<Tick, string>();
const depthText = new WeakMap<Tick, string>();

function tickText(t: Tick, depth: boolean): string {
  const cache = depth ? depthText : plainText;
  let s = cache.get(t);
  if (s === undefined) {
    s = JSON.stringify(tickToJson(t, depth));
    cache.set(t, s);
  }
  return s;
}

/** `{"type":"ticks","data":[...]}` as UTF-8 bytes. */
export function ticksJsonMessage(ticks: readonly Tick[], depth: boolean): Uint8Array {
  let body = '{"type":"ticks","data":[';
  for (let i = 0; i < ticks.length; i++) body += (i === 0 ? '' : ',') + tickText(ticks[i]!, depth);
  return Buffer.from(body + ']}', 'utf8');
}

/** Encoder of one batch. */
export class TickEncoder {
  private readonly shared = new Map<string, Uint8Array>();

  constructor(readonly ticks: readonly Tick[]) {}

  /** The message holding the whole batch (shared by every unfiltered client). */
  all(format: 'json' | 'binary', depth: boolean): Uint8Array {
    const key = format === 'binary' ? 'b' : depth ? 'jd' : 'j';
    let m = this.shared.get(key);
    if (m === undefined) {
      m = this.subset(this.ticks, format, depth);
      this.shared.set(key, m);
    }
    return m;
  }

  /** A message holding `ticks` only. */
  subset(ticks: readonly Tick[], format: 'json' | 'binary', depth: boolean): Uint8Array {
    return format === 'binary' ? encodeTickFrame(ticks) : ticksJsonMessage(ticks, depth);
  }
}
