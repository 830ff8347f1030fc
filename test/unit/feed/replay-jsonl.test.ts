import { describe, expect, it } from 'vitest';
import { formatTickJsonl, parseTickJsonl } from '../../../src/domain/feed/replay-format.js';
import type { Tick } from '../../../src/domain/types.js';

const TICK: Tick = {
  token: 408065, ltp: 157315, lastQty: 10, avgPrice: 157001, volume: 12345, buyQty: 900, sellQty: 800,
  open: 156000, high: 158000, low: 155500, close: 156500, oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100,
  tradable: true, exchangeTs: 1_718_176_569_000, lastTradeTs: 1_718_176_568_000,
  depthBuy: [{ price: 157310, quantity: 5, orders: 1 }], depthSell: [{ price: 157315, quantity: 7, orders: 2 }],
};

describe('JSONL tick records', () => {
  it('formats with a stable key order and round-trips', () => {
    const line = formatTickJsonl(TICK);
    expect(line.startsWith('{"token":408065,"ltp":157315,"lastQty":10')).toBe(true);
    expect(line).not.toContain('\n');
    expect(parseTickJsonl(line, 1)).toEqual({ ok: true, value: TICK });
  });

  it('fills defaults for a minimal record (index tokens default to not tradable)', () => {
    const r = parseTickJsonl('{"token":256265,"ltp":2340685,"exchangeTs":1718176569000}', 3);
    expect(r.ok && r.value).toMatchObject({ token: 256265, ltp: 2340685, volume: 0, divisor: 100, tradable: false, depthBuy: [] });
    const s = parseTickJsonl('{"token":408065,"ltp":1,"exchangeTs":1718176569000}', 3);
    expect(s.ok && s.value.tradable).toBe(true);
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['[1,2]', 'expected a JSON object'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"lpt":5}', 'unknown field "lpt"'],
    ['{"token":1.5,"ltp":5,"exchangeTs":1718176569000}', 'token'],
    ['{"token":0,"ltp":5,"exchangeTs":1718176569000}', 'token'],
    ['{"token":1,"ltp":0,"exchangeTs":1718176569000}', 'ltp'],
    ['{"token":1,"ltp":15.5,"exchangeTs":1718176569000}', 'ltp'],
    ['{"token":1,"ltp":"5","exchangeTs":1718176569000}', 'ltp'],
    ['{"token":1,"ltp":5}', 'exchangeTs'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569}', 'exchangeTs'], // epoch seconds by mistake
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"lastTradeTs":1718176568}', 'lastTradeTs'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"volume":-1}', 'volume'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"high":4,"low":6}', 'low 6 is above high 4'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"divisor":7}', 'divisor'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"tradable":1}', 'tradable'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"depthBuy":[{"price":0,"quantity":1,"orders":1}]}', 'depthBuy[0].price'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"depthSell":[{"price":5,"quantity":1}]}', 'depthSell[0].orders'],
    ['{"token":1,"ltp":5,"exchangeTs":1718176569000,"depthSell":[1,2,3,4,5,6]}', 'at most 5'],
  ])('rejects %s', (line, reason) => {
    const r = parseTickJsonl(line, 42);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ERR_FEED_RECORD_INVALID');
      expect(r.error.line).toBe(42);
      expect(r.error.reason).toContain(reason);
    }
  });

  it('rejects oversized lines without parsing them', () => {
    const r = parseTickJsonl(`{"token":1,"ltp":5,"exchangeTs":1718176569000,"x":"${'a'.repeat(70_000)}"}`, 9);
    expect(r.ok ? '' : r.error.reason).toContain('longer than');
  });
});
