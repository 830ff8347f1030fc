// Config → market-feed settings: the defaults that depend on the source (ring policy, 24x7) are
// resolved here once, so the actor, the main job and tests agree on them. Paths are made absolute
// against `cwd` (loadConfig already does; defaultConfig() in tests does not).
import { isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '../../config.js';
import type { MarketHoursOptions } from '../../domain/market-hours/index.js';
import type { ReplayPace } from '../../domain/feed/index.js';

/** The KiteTicker connection settings (feed.source 'kite'). */
export interface KiteFeedSettings {
  readonly url: string;
  readonly apiKey: string;
  readonly accessToken: string;
  readonly mode: 'ltp' | 'quote' | 'full';
  readonly livenessMs: number;
  readonly tokensPerConnection: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
}

/** Everything the feed actor needs from the config, defaults applied. */
export interface FeedSettings {
  readonly source: 'synthetic' | 'replay' | 'kite';
  readonly ticksPerSecond: number;
  readonly seed: string;
  readonly volatilityBps: number;
  /** Synthetic feed: wall ms per trading-day session of its event clock; 0 = ticks carry wall time. */
  readonly sessionMs: number;
  readonly instrumentsFile: string;
  readonly replayFile: string | undefined;
  readonly replayPace: ReplayPace;
  readonly replaySpeed: number;
  readonly recordFile: string | undefined;
  /** Calendar used to gate the synthetic feed (replay is never gated: its file has its own times). */
  readonly hours: MarketHoursOptions & { readonly market24x7: boolean };
  /** Effective tick ring policy. */
  readonly policy: 'block' | 'drop';
  /** Set iff source is 'kite' (the config schema requires the credentials then). */
  readonly kite: KiteFeedSettings | undefined;
}

/**
 * The tick ring policy actually in force: the configured one, else 'block' for replay (a replay
 * must not lose ticks) and 'drop' for synthetic/live feeds (a live feed must never stall).
 */
export function effectiveTickRingPolicy(config: Pick<AppConfig, 'runtime' | 'feed'>): 'block' | 'drop' {
  return config.runtime.tickRingPolicy ?? (config.feed.source === 'replay' ? 'block' : 'drop');
}

/** Whether the market counts as always open: configured, else true for synthetic, false for replay. */
export function effectiveMarket24x7(config: Pick<AppConfig, 'feed'>): boolean {
  return config.feed.market24x7 ?? config.feed.source === 'synthetic';
}

/** Session length of the synthetic feed's event clock; 0 for replay or when sessions are off. */
export function syntheticSessionMs(config: Pick<AppConfig, 'feed'>): number {
  return config.feed.source === 'synthetic' ? config.feed.syntheticSessionMs : 0;
}

/** Resolves the feed settings of `config`; relative paths are taken from `cwd`. */
export function feedSettings(config: AppConfig, cwd: string): FeedSettings {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const f = config.feed;
  return {
    source: f.source,
    ticksPerSecond: f.ticksPerSecond,
    seed: f.seed,
    volatilityBps: f.volatilityBps,
    sessionMs: syntheticSessionMs(config),
    instrumentsFile: abs(f.instrumentsFile),
    replayFile: f.replayFile === undefined ? undefined : abs(f.replayFile),
    replayPace: f.replayPace,
    replaySpeed: f.replaySpeed,
    recordFile: f.recordFile === undefined ? undefined : abs(f.recordFile),
    hours: { market24x7: effectiveMarket24x7(config), holidays: f.holidays },
    policy: effectiveTickRingPolicy(config),
    kite:
      f.source === 'kite'
        ? {
            url: config.zerodha.tickerUrl,
            apiKey: config.zerodha.apiKey ?? '',
            accessToken: config.zerodha.accessToken ?? '',
            mode: f.kiteMode,
            livenessMs: f.kiteLivenessMs,
            tokensPerConnection: f.kiteTokensPerConnection,
            reconnectBaseMs: f.kiteReconnectBaseMs,
            reconnectMaxMs: Math.max(f.kiteReconnectBaseMs, f.kiteReconnectMaxMs),
          }
        : undefined,
  };
}
