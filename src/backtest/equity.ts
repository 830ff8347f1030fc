// Tick-by-tick equity of every runnable strategy together, kept incrementally in exact integer
// paise: equity = Σ cash + Σ_token netQty × lastPrice, updated O(1) per tick and per fill, so the
// maximum drawdown is exact over every tick rather than over sampled points. PURE.
// Invariant (checked at the end of a run): equity equals the portfolio's own totals.
import type { Fill, Paise } from '../domain/types.js';
import type { EquityPoint } from './types.js';

/** Running equity, drawdown and the sampled curve. */
export class EquityTracker {
  private cash: Paise;
  private marketValue: Paise = 0;
  private readonly netQty = new Map<number, number>();
  private readonly last = new Map<number, Paise>();
  private peak: Paise;
  private ddMax: Paise = 0;
  private ddPeak: Paise;
  readonly points: EquityPoint[] = [];

  /** `start` = starting cash × number of runnable strategies. */
  constructor(readonly start: Paise) {
    this.cash = start;
    this.peak = start;
    this.ddPeak = start;
  }

  /** Current equity, paise. */
  get equity(): Paise {
    return this.cash + this.marketValue;
  }

  /** Largest peak-to-trough fall so far, and the peak it fell from. */
  get maxDrawdown(): { readonly amount: Paise; readonly peak: Paise } {
    return { amount: this.ddMax, peak: this.ddPeak };
  }

  /** A new last price for `token` (positive integers only, as the portfolio marks). */
  onTick(token: number, ltp: Paise): void {
    if (!Number.isSafeInteger(ltp) || ltp <= 0) return;
    const prev = this.last.get(token);
    const q = this.netQty.get(token) ?? 0;
    if (q !== 0 && prev !== undefined) this.marketValue += q * (ltp - prev);
    this.last.set(token, ltp);
  }

  /** Applies a fill's cash and quantity; the position is marked at the token's last price. */
  onFill(f: Fill): void {
    const signed = f.side === 'BUY' ? f.quantity : -f.quantity;
    this.cash += (f.side === 'BUY' ? -1 : 1) * f.price * f.quantity - f.fees;
    this.netQty.set(f.token, (this.netQty.get(f.token) ?? 0) + signed);
    // Every fill follows a tick of its token (signals and resting orders are tick-driven); a fill
    // before any tick would be marked at its own price until the first tick arrives
    let mark = this.last.get(f.token);
    if (mark === undefined) {
      mark = f.price;
      this.last.set(f.token, mark);
    }
    this.marketValue += signed * mark;
  }

  /** Call once per tick after its fills: updates the drawdown, samples the curve when asked. */
  settle(tick: number, ts: number, sample: boolean): void {
    const e = this.cash + this.marketValue;
    if (e > this.peak) this.peak = e;
    else if (this.peak - e > this.ddMax) {
      this.ddMax = this.peak - e;
      this.ddPeak = this.peak;
    }
    if (sample) this.points.push({ tick, ts, equity: e });
  }

  /** Adds a point for `tick` now, unless the curve already ends with one for it. */
  sample(tick: number, ts: number): void {
    if (this.points[this.points.length - 1]?.tick !== tick) this.points.push({ tick, ts, equity: this.equity });
  }
}
