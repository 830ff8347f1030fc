// uWS topic names of the live stream, and which topics a session wants. One topic per
// (stream, instrument, mode, format) so each update is serialised and published once and uWS
// copies it to every subscriber in native code:
//   t/<mode>/<variant>           every instrument (the whole batch in one message)
//   t/<mode>/<variant>/<token>   one instrument (a client with a token filter)
//   e/<stream>                   events, health, and `dropped` reports of that stream
// mode = latest | every; variant = b (binary frame) | j (JSON) | jd (JSON with depth).
import { MARKET_TICKS } from '../protocol/topics.js';
import type { TickMode } from './ws-protocol.js';

export type Variant = 'b' | 'j' | 'jd';
export const VARIANTS: readonly Variant[] = ['b', 'j', 'jd'];
export const MODES: readonly TickMode[] = ['latest', 'every'];

/** What decides a session's topics. */
export interface TopicState {
  readonly streams: ReadonlySet<string>;
  readonly tickFilter: ReadonlySet<number> | null;
  readonly format: 'json' | 'binary';
  readonly depth: boolean;
  readonly tickMode: TickMode;
}

export function variantOf(format: 'json' | 'binary', depth: boolean): Variant {
  return format === 'binary' ? 'b' : depth ? 'jd' : 'j';
}

export const allTicksTopic = (mode: TickMode, v: Variant): string => `t/${mode}/${v}`;
export const tokenTopic = (mode: TickMode, v: Variant, token: number): string => `t/${mode}/${v}/${token}`;
export const streamTopic = (stream: string): string => `e/${stream}`;

/** Every topic the session must be subscribed to while it is fed by publish. */
export function topicsOf(s: TopicState): Set<string> {
  const out = new Set<string>();
  for (const st of s.streams) out.add(streamTopic(st));
  if (s.streams.has(MARKET_TICKS)) {
    const v = variantOf(s.format, s.depth);
    if (s.tickFilter === null) out.add(allTicksTopic(s.tickMode, v));
    else for (const t of s.tickFilter) out.add(tokenTopic(s.tickMode, v, t));
  }
  return out;
}
