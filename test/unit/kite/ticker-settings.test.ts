// The kite feed's settings and connection arithmetic: env names (what `npm run kite-sandbox
// --print-env` prints must configure the main job), the credentials rule, token chunks per
// connection, backoff bounds (property, seed printed) and the subscribe/mode messages.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadConfig, type AppConfig } from '../../../src/config.js';
import { feedSettings } from '../../../src/services/feed/settings.js';
import { splitTokens } from '../../../src/services/feed/kite-source.js';
import { backoffDelay, subscribeMessages } from '../../../src/kite/ticker/connection.js';
import { seededRng } from '../../../src/domain/rng.js';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const load = (env: Record<string, string>) => loadConfig({ argv: [], env, cwd: '/srv' });

describe('kite feed settings', () => {
  it('reads the lines kite-sandbox prints, plus the mode', () => {
    const r = load({
      MARKET_FEED__SOURCE: 'kite',
      ZERODHA__TICKER_URL: 'ws://127.0.0.1:8765/',
      ZERODHA__API_KEY: 'k',
      ZERODHA__ACCESS_TOKEN: 't',
      MARKET_FEED__KITE_MODE: 'ltp',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = feedSettings(r.value as AppConfig, '/srv');
    expect(s.source).toBe('kite');
    expect(s.policy).toBe('drop');
    expect(s.hours.market24x7).toBe(false);
    expect(s.kite).toEqual({
      url: 'ws://127.0.0.1:8765/', apiKey: 'k', accessToken: 't', mode: 'ltp',
      livenessMs: 5000, tokensPerConnection: 3000, reconnectBaseMs: 1000, reconnectMaxMs: 60_000,
    });
  });

  it('requires the api key and access token, and a ws URL', () => {
    const r = load({ MARKET_FEED__SOURCE: 'kite', ZERODHA__TICKER_URL: 'http://x' });
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.error.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['zerodha.apiKey', 'zerodha.accessToken', 'zerodha.tickerUrl']));
    const other = load({ MARKET_FEED__SOURCE: 'synthetic' });
    expect(other.ok && feedSettings(other.value, '/srv').kite).toBeUndefined();
  });
});

describe('kite connection arithmetic', () => {
  it('splits tokens into chunks of at most the per-connection limit, in order', () => {
    expect(splitTokens([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    const many = Array.from({ length: 7001 }, (_, i) => i + 1);
    expect(splitTokens(many, 3000).map((c) => c.length)).toEqual([3000, 3000, 1001]);
    expect(splitTokens(many, 3000).flat()).toEqual(many);
  });

  it('backs off exponentially within [cap/2, cap], cap = min(max, base·2^attempt)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 120_000 }), fc.string(), (attempt, base, max, s) => {
        const cap = Math.min(max, base * 2 ** Math.min(attempt, 30));
        const d = backoffDelay(attempt, base, max, seededRng(s));
        expect(d).toBeGreaterThanOrEqual(Math.floor(cap / 2));
        expect(d).toBeLessThanOrEqual(Math.ceil(cap));
      }),
      { seed, numRuns: 500 },
    );
  });

  it('sends subscribe, then mode, for every token of the connection', () => {
    expect(subscribeMessages([408065, 256265], 'full')).toEqual(['{"a":"subscribe","v":[408065,256265]}', '{"a":"mode","v":["full",[408065,256265]]}']);
  });
});
