import { describe, expect, it } from 'vitest';
import { createReplayDecoder, detectReplayFormat, parseReplay } from '../../../src/domain/feed/replay-format.js';
import { parseReplayTimestamp } from '../../../src/domain/feed/replay-timestamp.js';

const T = Date.UTC(2024, 5, 12, 3, 45); // 2024-06-12 09:15 IST

describe('parseReplayTimestamp', () => {
  it.each([
    ['1718163900000', T],
    ['1718163900', T], // epoch seconds (< 1e11)
    ['2024-06-12T03:45:00Z', T],
    ['2024-06-12T03:45:00.000z', T],
    ['2024-06-12T09:15:00+05:30', T],
    ['2024-06-12T09:15:00+0530', T],
    ['2024-06-12T09:15:00', T], // naive = IST
    ['2024-06-12 09:15', T],
    ['2024-06-12T09:15:00.1234', T + 123],
    ['2024-06-11T23:45:00-04:00', T],
  ])('%s', (text, ms) => {
    expect(parseReplayTimestamp(text)?.ms).toBe(ms);
  });

  it('maps a bare date to the 09:15 IST session open', () => {
    expect(parseReplayTimestamp('2024-06-12')).toEqual({ ms: T, dateOnly: true });
  });

  it.each(['', '0', 'yesterday', '2024-06-12T25:00:00', '2024-02-30T10:00', '2024-06-12T09:15:00+25:00', '99999999999999999', '-5', '1e12'])(
    'rejects %j',
    (text) => expect(parseReplayTimestamp(text)).toBeUndefined(),
  );
});

describe('CSV ticks', () => {
  it('parses rows without a header, rupees to paise, with running day OHLC, volume and VWAP', () => {
    const text = [
      `${T},408065,1573.15,100`,
      `${T + 1000},408065,1574.00,150`,
      `${T + 2000},408065,1572.5,140`, // cumulative volume went down: trade size 0
      `${T + 3000},408065,1575`,
    ].join('\n');
    const r = parseReplay(text, 'ticks.csv');
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.value.format).toBe('csv_ticks');
    expect(r.value.errors).toEqual([]);
    const [a, b, c, d] = r.value.ticks;
    expect(a).toMatchObject({ token: 408065, ltp: 157315, lastQty: 100, volume: 100, open: 157315, high: 157315, low: 157315, close: 0, avgPrice: 157315, divisor: 100, tradable: true, exchangeTs: T, lastTradeTs: T });
    expect(b).toMatchObject({ ltp: 157400, lastQty: 50, volume: 150, high: 157400, avgPrice: Math.round((157315 * 100 + 157400 * 50) / 150) });
    expect(c).toMatchObject({ ltp: 157250, lastQty: 0, volume: 150, low: 157250 });
    expect(d).toMatchObject({ ltp: 157500, lastQty: 0, volume: 150, high: 157500, open: 157315 });
  });

  it('uses a header to map columns in any order and sets close from the previous day', () => {
    const next = T + 86_400_000;
    const text = `# recorded ticks\nltp,token,time\n100.5,738561,${T}\n101,738561,${next}\n`;
    const r = parseReplay(text);
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.value.errors).toEqual([]);
    expect(r.value.ticks.map((t) => [t.ltp, t.open, t.close])).toEqual([[10050, 10050, 0], [10100, 10100, 10050]]);
  });

  it('rejects bad rows with their physical line numbers and keeps the rest', () => {
    const text = [
      'timestamp,instrument_token,last_price,volume', // 1
      `${T},408065,1573.15,10`, // 2
      `${T},408065,-1573.15,10`, // 3 negative price
      `${T},408065,0,10`, // 4 zero price
      `${T},abc,1573.15,10`, // 5 bad token
      `tomorrow,408065,1573.15,10`, // 6 bad timestamp
      `${T},408065,1573.15,1.5`, // 7 fractional volume
      `${T},408065,NaN`, // 8
      `${T},408065,Infinity`, // 9
      '', // 10
      `${T},408065,1e3`, // 11 exponent
      `${T},408065,"1573.15`, // 12 unterminated quote
      `${T},408065,1574`, // 13 ok
    ].join('\n');
    const r = parseReplay(text, 'csv_ticks');
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.value.ticks.map((t) => t.ltp)).toEqual([157315, 157400]);
    expect(r.value.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 11, 12]);
    expect(r.value.errors.every((e) => e.code === 'ERR_FEED_RECORD_INVALID')).toBe(true);
    expect(r.value.errors[0]?.reason).toContain('last_price');
  });

  it('rejects too many fields without a header and a header missing a column', () => {
    const r = parseReplay(`${T},1,10,5,6\n`, 'csv_ticks');
    expect(r.ok && r.value.errors[0]?.reason).toBe('expected at most 4 fields, was 5');
    const h = parseReplay('timestamp,volume\n', 'csv_ticks');
    expect(h.ok && h.value.errors[0]).toEqual({ code: 'ERR_FEED_RECORD_INVALID', line: 1, reason: 'header lacks column(s) for token, price' });
  });
});

describe('CSV bars', () => {
  it('expands each bar into O,H,L,C ticks inside the bar with the volume split', () => {
    const text = `timestamp,instrument_token,open,high,low,close,volume\n2024-06-12T09:15:00+05:30,408065,1570,1580,1565.5,1575.25,10\n`;
    const r = parseReplay(text, 'bars.csv');
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.value.format).toBe('csv_bars');
    const ticks = r.value.ticks;
    expect(ticks.map((t) => t.ltp)).toEqual([157000, 158000, 156550, 157525]);
    expect(ticks.map((t) => t.exchangeTs - T)).toEqual([0, 15_000, 30_000, 45_000]);
    expect(ticks.map((t) => t.lastQty)).toEqual([2, 2, 2, 4]);
    expect(ticks.map((t) => t.volume)).toEqual([2, 4, 6, 10]);
    const last = ticks[3];
    expect(last).toMatchObject({ open: 157000, high: 158000, low: 156550 });
    // next bar's ticks all come after this bar's ticks
    const two = parseReplay(`${text}2024-06-12T09:16:00+05:30,408065,1575,1576,1574,1575,0\n`, 'bars.csv');
    const ts = two.ok ? two.value.ticks.map((t) => t.exchangeTs) : [];
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(new Set(ts).size).toBe(8);
  });

  it('spreads a daily bar (bare date) over the regular session; barMs overrides', () => {
    const r = parseReplay('2024-06-12,408065,10,12,9,11,4\n');
    expect(r.ok && r.value.format).toBe('csv_bars');
    expect(r.ok && r.value.ticks.map((t) => t.exchangeTs - T)).toEqual([0, 5_625_000, 11_250_000, 16_875_000]);
    const s = parseReplay('2024-06-12,408065,10,12,9,11,4\n', 'csv_bars', { barMs: 4 });
    expect(s.ok && s.value.ticks.map((t) => t.exchangeTs - T)).toEqual([0, 1, 2, 3]);
  });

  it('rejects inconsistent bars with line numbers', () => {
    const text = [`${T},1,10,12,9,11,4`, `${T},1,10,9,9,11,4`, `${T},1,10,12,10.5,11,4`, `${T},1,10,12,9,11,-4`, `${T},1,10,12,0,11,4`].join('\n');
    const r = parseReplay(text, 'csv_bars');
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.value.ticks).toHaveLength(4);
    expect(r.value.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(r.value.errors[0]?.reason).toContain('inconsistent');
  });

  it('marks index tokens not tradable unless told otherwise', () => {
    const d = createReplayDecoder('csv_bars');
    const r = d.decodeLine(`${T},256265,23344.45,23441.95,23295.95,23406.85,0`, 1);
    expect(r.ok && r.value.every((t) => !t.tradable)).toBe(true);
    const e = createReplayDecoder('csv_bars', { isTradable: () => true });
    const s = e.decodeLine(`${T},256265,23344.45,23441.95,23295.95,23406.85,0`, 1);
    expect(s.ok && s.value.every((t) => t.tradable)).toBe(true);
  });
});

describe('detectReplayFormat', () => {
  it.each([
    ['{"token":1}', undefined, 'jsonl'],
    ['anything', 'ticks.JSONL', 'jsonl'],
    ['anything', 'x.ndjson', 'jsonl'],
    ['x', 'csv_bars', 'csv_bars'],
    ['# c\n\ntimestamp,token,open,high,low,close', 'file.csv', 'csv_bars'],
    ['timestamp,token,ltp', undefined, 'csv_ticks'],
    [`${T},1,10,12,9,11`, undefined, 'csv_bars'],
    [`${T},1,10`, undefined, 'csv_ticks'],
    [`2024-06-12T09:15:00Z,1,10,100`, undefined, 'csv_ticks'],
  ] as const)('%j (%s) → %s', (text, hint, format) => {
    expect(detectReplayFormat(text, hint)).toEqual({ ok: true, value: format });
  });

  it('fails on empty files and odd field counts', () => {
    expect(detectReplayFormat('# only\n')).toMatchObject({ ok: false, error: { line: 0 } });
    expect(detectReplayFormat('\n1,2,3,4,5\n')).toMatchObject({ ok: false, error: { code: 'ERR_FEED_RECORD_INVALID', line: 2 } });
    expect(parseReplay('')).toMatchObject({ ok: false });
  });

  it('decodes JSONL through the same entry point, skipping blank lines', () => {
    const line = `{"token":408065,"ltp":157315,"exchangeTs":${T}}`;
    const r = parseReplay(`${line}\n\n${line}\nbad\n`);
    expect(r.ok && r.value.ticks).toHaveLength(2);
    expect(r.ok && r.value.errors.map((e) => e.line)).toEqual([4]);
  });
});

describe('decoder options', () => {
  it('rejects a bar length that cannot give 4 distinct timestamps', () => {
    expect(() => createReplayDecoder('csv_bars', { barMs: 3 })).toThrow(/barMs/);
    expect(() => createReplayDecoder('csv_bars', { barMs: 1.5 })).toThrow(/barMs/);
  });
});
