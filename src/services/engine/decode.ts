// Boundary check of `{broker}.signals.validated` records before they reach the adapter. Hand-written
// (no zod between our own workers): a record that is not a well-formed validated signal is counted
// and consumed, never executed, so a bad producer cannot crash the engine or place a garbage order.
import { err, ok, type Result } from '../../errors.js';
import type { ValidatedSignalPayload } from '../../protocol/risk.js';

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const ORDER_TYPES: readonly string[] = ['market', 'limit', 'stop', 'stop_limit'];
const TIFS: readonly string[] = ['DAY', 'IOC', 'FOK'];

/** Why a record was refused (detail for ERR_SIGNAL_INVALID). */
export type DecodeFailure = { readonly reason: string };

// Optional paise fields of order instructions must be positive integers when present
function badInstructions(o: unknown): string | null {
  if (!isObj(o)) return 'signal.order must be an object';
  if (o['orderType'] !== undefined && !ORDER_TYPES.includes(o['orderType'] as string)) return `signal.order.orderType ${String(o['orderType'])} is unknown`;
  if (o['tif'] !== undefined && !TIFS.includes(o['tif'] as string)) return `signal.order.tif ${String(o['tif'])} is unknown`;
  for (const f of ['limitPrice', 'stopPrice', 'takeProfitBps', 'stopLossBps'] as const) {
    if (o[f] !== undefined && !isInt(o[f], 0)) return `signal.order.${f} must be a non-negative integer`;
  }
  return null;
}

/** The payload of a validated-signal envelope, or why it is unusable. */
export function decodeValidated(env: unknown): Result<ValidatedSignalPayload, DecodeFailure> {
  if (!isObj(env)) return err({ reason: 'expected an event envelope' });
  if (env['type'] !== 'validated_signal') return err({ reason: `expected event type validated_signal, was ${String(env['type'])}` });
  const d = env['data'];
  if (!isObj(d) || !isObj(d['signal'])) return err({ reason: 'expected { signal, validatedQty, validatedPrice, checks, ts }' });
  const s = d['signal'];
  if (typeof s['strategyId'] !== 'string' || s['strategyId'] === '') return err({ reason: 'signal.strategyId must be a non-empty string' });
  if (!isInt(s['token'], 1)) return err({ reason: 'signal.token must be a positive integer' });
  if (s['side'] !== 'BUY' && s['side'] !== 'SELL') return err({ reason: `signal.side must be BUY or SELL, was ${String(s['side'])}` });
  if (!isInt(s['quantity'], 1)) return err({ reason: 'signal.quantity must be a positive integer' });
  if (!isInt(s['price'], 0)) return err({ reason: 'signal.price must be integer paise' });
  if (!isInt(s['ts'], 0)) return err({ reason: 'signal.ts must be epoch ms' });
  const bad = badInstructions(s['order']);
  if (bad !== null) return err({ reason: bad });
  if (!isInt(d['validatedQty'], 1)) return err({ reason: 'validatedQty must be a positive integer' });
  if (!isInt(d['validatedPrice'], 0)) return err({ reason: 'validatedPrice must be integer paise' });
  if (!isInt(d['ts'], 0)) return err({ reason: 'ts must be epoch ms' });
  return ok(d as unknown as ValidatedSignalPayload);
}
