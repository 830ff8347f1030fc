// Fill de-duplication for one broker's fill log. PURE, mutable in place (called per fill).
// Rule: a fill is a duplicate iff its fillSeq ≤ the watermark (highest fillSeq applied) OR its
// tradeId is among the last `window` applied tradeIds. fillSeq is unique and increasing per broker
// log, so the watermark alone bounds memory; the tradeId window also catches a fill re-logged
// under a new fillSeq (e.g. an engine retry) as long as it arrives within `window` fills.

import type { Fill } from '../types.js';

/** Default number of recent tradeIds remembered per broker on top of the fillSeq watermark. */
export const DEFAULT_DEDUP_WINDOW = 10_000;

/** Mutable dedup state for one broker. */
export interface FillDedup {
  /** Highest fillSeq applied so far; -1 before the first fill. */
  watermark: number;
  readonly window: number;
  /** Ring of recent tradeIds (insertion order starting at `head` once full). */
  readonly ring: string[];
  head: number;
  readonly ids: Set<string>;
}

/** JSON form of {@link FillDedup}: recent tradeIds oldest first. */
export interface FillDedupJson {
  readonly watermark: number;
  readonly window: number;
  readonly recentTradeIds: readonly string[];
}

/** A fresh dedup state remembering up to `window` tradeIds (0 = watermark only). */
export function createDedup(window: number = DEFAULT_DEDUP_WINDOW): FillDedup {
  return { watermark: -1, window: Math.max(0, Math.floor(window)), ring: [], head: 0, ids: new Set() };
}

/** True when `fill` was already applied (see the file header for the exact rule). */
export function isDuplicateFill(d: FillDedup, fill: Fill): boolean {
  return fill.fillSeq <= d.watermark || d.ids.has(fill.tradeId);
}

/** Records an applied fill: raises the watermark and remembers its tradeId (evicting the oldest). */
export function recordFill(d: FillDedup, fill: Fill): void {
  if (fill.fillSeq > d.watermark) d.watermark = fill.fillSeq;
  rememberTradeId(d, fill.tradeId);
}

function rememberTradeId(d: FillDedup, tradeId: string): void {
  if (d.window === 0) return;
  if (d.ring.length < d.window) {
    d.ring.push(tradeId);
  } else {
    const evicted = d.ring[d.head];
    if (evicted !== undefined) d.ids.delete(evicted);
    d.ring[d.head] = tradeId;
    d.head = (d.head + 1) % d.window;
  }
  d.ids.add(tradeId);
}

/** Serialises dedup state (tradeIds oldest first, so import restores the same eviction order). */
export function exportDedup(d: FillDedup): FillDedupJson {
  const recentTradeIds = d.ring.slice(d.head).concat(d.ring.slice(0, d.head));
  return { watermark: d.watermark, window: d.window, recentTradeIds };
}

/** Rebuilds dedup state from {@link exportDedup} output. */
export function importDedup(json: FillDedupJson): FillDedup {
  const d = createDedup(json.window);
  for (const id of json.recentTradeIds) rememberTradeId(d, id);
  d.watermark = json.watermark;
  return d;
}
