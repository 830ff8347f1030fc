// Round trips (closed trades) from a fill log, matched FIFO per (strategy, instrument). PURE.
// A round trip is one matched lot: the part of one entry fill closed by one exit fill, so an
// order filled in parts, or a position closed in parts, yields several round trips.
// Fees are split exactly: a fill's fees are handed out over its quantity in order, each chunk
// taking round-half-away(feesLeft × chunk / qtyLeft) and the last chunk the rest, so
//   Σ round-trip fees + Σ open-lot fees = Σ fill fees, to the paisa.
// FIFO differs from the portfolio's average-cost books only in how profit is attributed while a
// position stays open: once a (strategy, instrument) book is flat, Σ round-trip gross PnL equals
// its average-cost realized PnL exactly (both are Σ sell notional − Σ buy notional; tested).
import { addExact, mulDivRound, mulExact } from '../portfolio/money.js';
import type { Fill, Paise } from '../types.js';

export type Direction = 'long' | 'short';

/** One closed trade. Money in integer paise, times in epoch ms. */
export interface RoundTrip {
  readonly strategyId: string;
  readonly token: number;
  readonly direction: Direction;
  readonly quantity: number;
  readonly entryPrice: Paise;
  readonly exitPrice: Paise;
  readonly entryTs: number;
  readonly exitTs: number;
  readonly durationMs: number;
  readonly entryTradeId: string;
  readonly exitTradeId: string;
  /** (exit − entry) × quantity for a long, the opposite for a short; fees excluded. */
  readonly grossPnl: Paise;
  /** This trip's share of its entry and exit fills' fees. */
  readonly fees: Paise;
  /** grossPnl − fees. */
  readonly netPnl: Paise;
}

/** A lot still open after the last fill. */
export interface OpenLot {
  readonly strategyId: string;
  readonly token: number;
  readonly direction: Direction;
  readonly quantity: number;
  readonly entryPrice: Paise;
  readonly entryTs: number;
  readonly entryTradeId: string;
  /** Entry fees not yet handed to a round trip. */
  readonly fees: Paise;
}

export interface RoundTripLog {
  /** In the order they closed (exit fill order, then FIFO). */
  readonly trips: RoundTrip[];
  /** Per book, oldest first; books ordered by first fill. */
  readonly open: OpenLot[];
}

interface Lot {
  readonly direction: Direction;
  qty: number;
  fees: Paise;
  readonly price: Paise;
  readonly ts: number;
  readonly tradeId: string;
}

/** Takes the fee share of `chunk` out of a (qtyLeft, feesLeft) pair. */
function takeFees(qtyLeft: number, feesLeft: Paise, chunk: number): Paise {
  return chunk === qtyLeft ? feesLeft : mulDivRound(feesLeft, chunk, qtyLeft);
}

/**
 * Matches `fills` (one broker's log: applied in fillSeq order, stable; a repeated tradeId is
 * skipped as the portfolio skips it) FIFO per (strategyId, token).
 */
export function roundTrips(fills: readonly Fill[]): RoundTripLog {
  const ordered = fills.slice().sort((a, b) => a.fillSeq - b.fillSeq);
  const books = new Map<string, { strategyId: string; token: number; lots: Lot[] }>();
  const seen = new Set<string>();
  const trips: RoundTrip[] = [];
  for (const f of ordered) {
    if (seen.has(f.tradeId)) continue;
    seen.add(f.tradeId);
    const key = `${f.strategyId}\u0000${f.token}`;
    let book = books.get(key);
    if (book === undefined) {
      book = { strategyId: f.strategyId, token: f.token, lots: [] };
      books.set(key, book);
    }
    const closes: Direction = f.side === 'SELL' ? 'long' : 'short';
    let qtyLeft = f.quantity;
    let feesLeft = f.fees;
    // Close the oldest lots of the opposite direction first (a book only ever holds one direction)
    while (qtyLeft > 0 && book.lots.length > 0 && book.lots[0]!.direction === closes) {
      const lot = book.lots[0]!;
      const chunk = Math.min(qtyLeft, lot.qty);
      const entryFees = takeFees(lot.qty, lot.fees, chunk);
      const exitFees = takeFees(qtyLeft, feesLeft, chunk);
      const ref = f.tradeId;
      const sign = closes === 'long' ? 1 : -1;
      const grossPnl = mulExact(sign * (f.price - lot.price), chunk, ref);
      const fees = addExact(entryFees, exitFees, ref);
      trips.push({
        strategyId: f.strategyId,
        token: f.token,
        direction: closes,
        quantity: chunk,
        entryPrice: lot.price,
        exitPrice: f.price,
        entryTs: lot.ts,
        exitTs: f.ts,
        durationMs: f.ts - lot.ts,
        entryTradeId: lot.tradeId,
        exitTradeId: f.tradeId,
        grossPnl,
        fees,
        netPnl: addExact(grossPnl, -fees, ref),
      });
      lot.qty -= chunk;
      lot.fees -= entryFees;
      qtyLeft -= chunk;
      feesLeft -= exitFees;
      if (lot.qty === 0) book.lots.shift();
    }
    // What is left opens (or adds) a lot in the fill's own direction, with the rest of its fees
    if (qtyLeft > 0) {
      book.lots.push({ direction: f.side === 'BUY' ? 'long' : 'short', qty: qtyLeft, fees: feesLeft, price: f.price, ts: f.ts, tradeId: f.tradeId });
    }
  }
  const open: OpenLot[] = [];
  for (const b of books.values()) {
    for (const l of b.lots) {
      open.push({ strategyId: b.strategyId, token: b.token, direction: l.direction, quantity: l.qty, entryPrice: l.price, entryTs: l.ts, entryTradeId: l.tradeId, fees: l.fees });
    }
  }
  return { trips, open };
}
