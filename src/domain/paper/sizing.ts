// Execution sizing: how much of an order the paper venue lets through at a given fill price. PURE.
// Rules (§6.12–6.14, fixed): BUY limited by cash including fees and by the max position notional;
// SELL limited to the quantity held (no shorting). FOK all-or-nothing; IOC clamps to what is
// allowed when that is > 0; DAY fails with the limiting reason.

import { err, ok, type Result } from '../../errors.js';
import type { Paise, Side, TimeInForce } from '../types.js';
import type { PaperParams } from './config.js';
import { paperError, type PaperError } from './events.js';
import { buyCost, maxAffordableQty } from './pricing.js';

/** What sizing needs to know about the order and the strategy's ledger. */
export interface SizingInput {
  readonly side: Side;
  /** Quantity still to execute. */
  readonly qty: number;
  readonly tif: TimeInForce;
  readonly price: Paise;
  readonly cash: Paise;
  readonly held: number;
}

/** Quantity to execute; `clampedBy` says why it is below the asked qty (IOC only). */
export interface Sized {
  readonly qty: number;
  readonly clampedBy: PaperError | null;
}

const fok = (reason: string): PaperError => paperError('ERR_PAPER_FOK_UNFILLABLE', { reason });

/** Sizes one execution; an error means nothing executes and the order is rejected. */
export function sizeExecution(p: PaperParams, i: SizingInput): Result<Sized, PaperError> {
  let allowed = i.qty;
  let limiter: PaperError | null = null;
  if (i.side === 'BUY') {
    const affordable = maxAffordableQty(i.cash, i.price, p.commissionPpm);
    if (affordable < allowed) {
      if (i.tif === 'FOK') return err(fok('insufficient cash'));
      limiter = paperError('ERR_PAPER_INSUFFICIENT_CASH', { need: buyCost(i.price, i.qty, p.commissionPpm), have: i.cash });
      allowed = affordable;
    }
    if (p.maxPositionNotional !== null) {
      // The cap is on the position after the BUY (held + qty) at the fill price; a SELL only ever
      // reduces exposure, so unlike the original it is never capped
      const cap = Math.floor(p.maxPositionNotional / i.price) - i.held;
      if (cap <= 0) return err(paperError('ERR_PAPER_MAX_NOTIONAL', { max: p.maxPositionNotional }));
      if (cap < allowed) {
        if (i.tif === 'FOK') return err(fok('exceeds max position notional'));
        limiter = paperError('ERR_PAPER_MAX_NOTIONAL', { max: p.maxPositionNotional });
        allowed = cap;
      }
    }
  } else if (i.held < allowed) {
    if (i.tif === 'FOK') return err(fok('exceeds position size'));
    limiter = paperError('ERR_PAPER_NO_POSITION', { held: i.held, quantity: i.qty });
    allowed = i.held;
  }
  if (limiter === null) return ok({ qty: i.qty, clampedBy: null });
  if (i.tif === 'IOC' && allowed > 0) return ok({ qty: allowed, clampedBy: limiter });
  return err(limiter);
}
