// TradableInstrument rule: orders only on instruments the registry lets us trade (issue 9 item 7:
// the paper broker used to fill BANKNIFTY, an index the registry marks tradable: false).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tradableLookup } from '../../../src/domain/instruments/index.js';
import { createRiskState, DEFAULT_RISK_LIMITS, evaluateAndRecord, evaluateSignal, dailyTradeCount, istDay } from '../../../src/domain/risk/index.js';
import { mkSignal, T0 } from './helpers.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const BANKNIFTY = 260105;
const RELIANCE = 738561;
const registry = tradableLookup([
  { token: BANKNIFTY, tradable: false },
  { token: RELIANCE, tradable: true },
]);

describe('TradableInstrument', () => {
  it('rejects an index with ERR_RISK_NOT_TRADABLE and passes a tradable instrument', () => {
    const s = createRiskState('paper');
    const v = evaluateSignal(s, mkSignal({ token: BANKNIFTY }), DEFAULT_RISK_LIMITS, { tradable: registry });
    expect(v.outcome).toBe('rejected');
    if (v.outcome !== 'rejected') return;
    expect(v.checks.TradableInstrument).toBe(false);
    expect(v.reasons).toEqual([
      expect.objectContaining({ rule: 'TradableInstrument', code: 'ERR_RISK_NOT_TRADABLE', detail: expect.objectContaining({ token: BANKNIFTY, problem: 'not_tradable' }) }),
    ]);
    expect(v.reasons[0]!.message).toContain(`instrument ${BANKNIFTY} may not be ordered`);
    expect(evaluateSignal(s, mkSignal({ token: RELIANCE }), DEFAULT_RISK_LIMITS, { tradable: registry }).outcome).toBe('validated');
  });

  it('rejects a token the registry does not know, and passes everything without a registry', () => {
    const s = createRiskState('paper');
    const v = evaluateSignal(s, mkSignal({ token: 999 }), DEFAULT_RISK_LIMITS, { tradable: registry });
    expect(v.outcome === 'rejected' && v.reasons.map((r) => [r.code, r.detail['problem']])).toEqual([['ERR_RISK_NOT_TRADABLE', 'unknown_instrument']]);
    expect(evaluateSignal(s, mkSignal({ token: BANKNIFTY }), DEFAULT_RISK_LIMITS).outcome).toBe('validated');
  });

  it('a refused signal does not count against the daily trade limit', () => {
    const s = createRiskState('paper');
    evaluateAndRecord(s, mkSignal({ token: BANKNIFTY }), DEFAULT_RISK_LIMITS, { tradable: registry });
    expect(dailyTradeCount(s, 's1', istDay(T0))).toBe(0);
  });

  it('property: the verdict is validated only for tradable tokens, whatever else the signal holds', () => {
    const tokens = fc.constantFrom(BANKNIFTY, RELIANCE, 256265, 1);
    fc.assert(
      fc.property(tokens, fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'), fc.integer({ min: 1, max: 100 }), (token, side, quantity) => {
        const v = evaluateSignal(createRiskState('paper'), mkSignal({ token, side, quantity }), DEFAULT_RISK_LIMITS, { tradable: registry });
        return v.checks.TradableInstrument === (token === RELIANCE) && (v.outcome === 'validated') === (token === RELIANCE);
      }),
      { seed, numRuns: 200 },
    );
  });
});
