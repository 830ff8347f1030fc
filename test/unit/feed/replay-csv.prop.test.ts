import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createReplayDecoder } from '../../../src/domain/feed/replay-format.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const rupees = (paise: number): string => `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
const ts = fc.integer({ min: 1e11, max: 4_102_444_800_000 });
const token = fc.integer({ min: 1, max: 2 ** 32 - 1 });
const paise = fc.integer({ min: 1, max: 10 ** 12 });

describe('CSV replay properties', () => {
  it('a formatted tick row parses back to the same token, time and paise', () => {
    fc.assert(
      fc.property(ts, token, paise, fc.option(fc.integer({ min: 0, max: 1e12 }), { nil: undefined }), (t, tok, p, vol) => {
        const line = `${t},${tok},${rupees(p)}${vol === undefined ? '' : `,${vol}`}`;
        const r = createReplayDecoder('csv_ticks').decodeLine(line, 1);
        const tick = r.ok ? r.value[0] : undefined;
        return tick !== undefined && tick.token === tok && tick.exchangeTs === t && tick.ltp === p && tick.volume === (vol ?? 0);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('a consistent bar becomes 4 ticks O,H,L,C in strictly increasing time within the bar', () => {
    fc.assert(
      fc.property(ts, token, fc.array(paise, { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 1e9 }), (t, tok, ps, vol) => {
        const sorted = [...ps].sort((a, b) => a - b);
        const [low, o, c, high] = sorted as [number, number, number, number];
        const r = createReplayDecoder('csv_bars').decodeLine(`${t},${tok},${rupees(o)},${rupees(high)},${rupees(low)},${rupees(c)},${vol}`, 1);
        if (!r.ok || r.value.length !== 4) return false;
        const times = r.value.map((x) => x.exchangeTs);
        return (
          r.value.map((x) => x.ltp).join() === [o, high, low, c].join() &&
          times.every((x, i) => i === 0 || x > (times[i - 1] ?? 0)) &&
          (times[0] ?? 0) === t &&
          (times[3] ?? 0) < t + 60_000 &&
          r.value.reduce((a, x) => a + x.lastQty, 0) === vol
        );
      }),
      { seed, numRuns: 300 },
    );
  });

  it('never throws on arbitrary lines and reports the given line number', () => {
    fc.assert(
      fc.property(fc.constantFrom('csv_ticks' as const, 'csv_bars' as const), fc.array(fc.string(), { maxLength: 5 }), (format, lines) => {
        const d = createReplayDecoder(format);
        return lines.every((l, i) => {
          const r = d.decodeLine(l, i + 1);
          return r.ok || r.error.line === i + 1;
        });
      }),
      { seed, numRuns: 300 },
    );
  });
});
