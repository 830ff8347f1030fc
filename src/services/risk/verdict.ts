// Signal in → verdict event out, for the risk manager: checks the shape of an incoming
// `trading_signal` (it crossed a thread boundary as JSON) and turns a domain verdict into the
// `validated_signal` / `rejected_signal` payload with the original's `"{Rule}: {reason}; ..."` text.
import type { RiskReason, RiskVerdict } from '../../domain/risk/index.js';
import type { TradingSignal } from '../../domain/types.js';
import type { EventType } from '../../protocol/envelope.js';
import type { BrokerTopicSuffix } from '../../protocol/topics.js';
import type { RejectedSignalPayload, RejectionReasonEntry, ValidatedSignalPayload } from '../../protocol/risk.js';

/** Where a verdict goes and what it carries. */
export type VerdictOutput =
  | { readonly suffix: Extract<BrokerTopicSuffix, 'signals.validated'>; readonly type: Extract<EventType, 'validated_signal'>; readonly data: ValidatedSignalPayload }
  | { readonly suffix: Extract<BrokerTopicSuffix, 'signals.rejected'>; readonly type: Extract<EventType, 'rejected_signal'>; readonly data: RejectedSignalPayload };

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The signal, or why it is not one (a boundary error the actor counts). */
export function parseSignal(v: unknown): { ok: true; signal: TradingSignal } | { ok: false; reason: string } {
  if (!isObj(v)) return { ok: false, reason: 'payload is not an object' };
  const bad =
    typeof v['strategyId'] !== 'string' || v['strategyId'].length === 0 ? 'strategyId'
    : !isInt(v['token'], 1) ? 'token'
    : v['side'] !== 'BUY' && v['side'] !== 'SELL' ? 'side'
    : !isInt(v['quantity'], 1) ? 'quantity'
    : !isInt(v['price'], 0) ? 'price'
    : typeof v['ts'] !== 'number' || !Number.isFinite(v['ts']) || v['ts'] < 0 ? 'ts'
    : typeof v['confidence'] !== 'number' ? 'confidence'
    : !isObj(v['order']) ? 'order'
    : !isObj(v['metadata']) ? 'metadata'
    : null;
  if (bad !== null) return { ok: false, reason: `field ${bad} is missing or invalid (${JSON.stringify(v[bad])})` };
  return { ok: true, signal: v as unknown as TradingSignal };
}

/** `"{Rule}: {message}; ..."` (docs/original-system.md §1.5). */
export function rejectionText(reasons: readonly RiskReason[]): string {
  return reasons.map((r) => `${r.rule}: ${r.message}`).join('; ');
}

/** The event a verdict produces; `ts` is the validation time. */
export function verdictOutput(signal: TradingSignal, verdict: RiskVerdict, ts: number): VerdictOutput {
  switch (verdict.outcome) {
    case 'validated':
      return {
        suffix: 'signals.validated',
        type: 'validated_signal',
        data: { signal, validatedQty: verdict.validatedQty, validatedPrice: verdict.validatedPrice, checks: verdict.checks, ts },
      };
    case 'rejected': {
      const reasons: RejectionReasonEntry[] = verdict.reasons.map((r) => ({ rule: r.rule, code: r.code, message: r.message }));
      return {
        suffix: 'signals.rejected',
        type: 'rejected_signal',
        data: { signal, reasons, checks: verdict.checks, rejectionReason: rejectionText(verdict.reasons), ts },
      };
    }
  }
}
