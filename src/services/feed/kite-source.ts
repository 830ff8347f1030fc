// Live source (MARKET_FEED__SOURCE=kite): KiteTicker ticks for every registry token (tradable and
// index), straight from the WebSocket frame into the tick ring. The tokens are split over as many
// connections as Kite's per-connection limit needs (kiteTokensPerConnection, at most 3000), each
// kept up by KiteTickerConnection (liveness, backoff with jitter, full resubscribe and mode).
//
// Tick path (no allocation per packet): ws Buffer → parseKiteFrame → one reused MutableTick →
// publisher.tryPublish, which copies it into a ring slot. A refused publish is counted as dropped,
// never waited for (a live feed must not stall). What is not a tick is counted, never thrown:
// malformed frames (ERR_FRAME_KITE_*), packets the ring record cannot hold (ERR_FRAME_BAD_VALUE:
// an LTP of 0 before the first trade, a price above 2^31-1), text messages (`order`, `error`,
// `message`: counted; `order` postbacks are decoded and handed to env.onOrderUpdate, which the
// market feed forwards to the zerodha engine; one that does not decode is ERR_KITE_DATA, counted).
//
// Time: LTP and quote packets carry no timestamp, so such ticks are stamped with the receive wall
// time (everything downstream keys on tick time); full packets keep the exchange's. A live feed
// cannot rewind by itself: with a store it journals every published tick (env.journal, see
// tick-journal.ts; feedSeq = journal seq), and at start re-publishes the journal from the fused
// cores' last checkpoint before it connects. checkpoint() has nothing else to persist.
import { isMarketOpen } from '../../domain/market-hours/index.js';
import { appError, isAppError } from '../../errors.js';
import { decodeOrder } from '../../kite/rest/decode.js';
import type { KiteOrder } from '../../kite/rest/types.js';
import { KiteTickerConnection } from '../../kite/ticker/connection.js';
import { parseKiteFrame, HEARTBEAT, unpublishableField, type KiteFrameErrorCode, type KitePacketSink } from '../../kite/ticker/frame.js';
import type { SyntheticInstrument } from '../../domain/feed/index.js';
import type { ActorHealth } from '../../runtime/actor.js';
import type { KiteFeedStatus } from '../../protocol/market-feed.js';
import { newMutableTick, type MutableTick } from '../../protocol/tick-record.js';
import { K } from '../../store/keyspace.js';
import type { FeedSettings, KiteFeedSettings } from './settings.js';
import type { FeedEnv, FeedSource } from './source.js';

/** Recent refusals make the feed 'degraded' for this long (as the synthetic source). */
const DROP_WINDOW_MS = 10_000;

/** The tokens of each connection: consecutive chunks of at most `perConnection` tokens. */
export function splitTokens(tokens: readonly number[], perConnection: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < tokens.length; i += perConnection) out.push(tokens.slice(i, i + perConnection));
  return out;
}

type TextKind = keyof KiteFeedStatus['texts'];

/** Creates the Kite source (not started). Throws ERR_CONFIG_INVALID without settings or tokens. */
export function createKiteSource(env: FeedEnv, s: FeedSettings, instruments: readonly SyntheticInstrument[]): FeedSource {
  const k: KiteFeedSettings | undefined = s.kite;
  if (k === undefined) throw appError('ERR_CONFIG_INVALID', { summary: 'feed.source is kite but the zerodha ticker settings are missing' });
  const tokens = [...new Set(instruments.map((i) => i.token))].sort((a, b) => a - b);
  if (tokens.length === 0) throw appError('ERR_CONFIG_INVALID', { summary: 'feed.source is kite but the instrument registry has no token to subscribe' });
  const { clock, publisher } = env;

  let published = 0;
  let dropped = 0;
  let lastDropAt: number | null = null;
  let lastTickTs: number | null = null;
  const journal = env.journal;
  // Feed positions continue the journal's over the store's life (a restarted feed never reuses one,
  // nor one a checkpoint already holds: the journal's last puts may not have survived a crash)
  let feedSeq = Math.max(journal?.log.next ?? 0, journal?.floor ?? 0);
  let rewound = 0;
  let frames = 0;
  let packets = 0;
  let heartbeats = 0;
  let malformed = 0;
  const texts: Record<TextKind, number> = { order: 0, error: 0, message: 0, other: 0 };

  // Reused for every packet of every connection: handlers run one at a time on this thread
  const tick: MutableTick = newMutableTick();
  const sink: KitePacketSink = {
    packet(t) {
      packets++;
      const bad = unpublishableField(t);
      if (bad !== null) {
        malformed++;
        env.countError('ERR_FRAME_BAD_VALUE', { field: bad, value: bad === 'ltp' ? t.ltp : 'above 2^31-1', token: t.token });
        return;
      }
      if (t.exchangeTs === 0) t.exchangeTs = clock.nowMs();
      t.feedSeq = feedSeq++;
      if (publisher.tryPublish(t, clock.monoNs(), t.feedSeq)) {
        published++;
        journal?.log.append(t, t.feedSeq);
        lastTickTs = t.exchangeTs;
        env.onPublished?.(t);
      } else {
        dropped++;
        lastDropAt = clock.monoMs();
      }
    },
    error(code: KiteFrameErrorCode, offset: number, value: number) {
      malformed++;
      env.countError(code, { offset, value });
    },
  };
  const onBinary = (bytes: Uint8Array): void => {
    if (parseKiteFrame(bytes, tick, sink) === HEARTBEAT) heartbeats++;
    else frames++;
  };
  const onText = (text: string): void => {
    let msg: { type?: unknown; data?: unknown };
    try {
      msg = JSON.parse(text) as { type?: unknown; data?: unknown };
    } catch {
      texts.other++;
      return;
    }
    const type = msg?.type;
    if (type === 'order') {
      texts.order++;
      let order: KiteOrder;
      try {
        order = decodeOrder(msg.data, 'order', 'ticker order message');
      } catch (e) {
        env.countError(isAppError(e) ? e.code : 'ERR_KITE_DATA', { route: 'ticker order message', reason: (e as Error).message });
        return;
      }
      env.log.debug({ orderId: order.orderId, status: order.status, tag: order.tag }, 'kite ticker: order update');
      env.onOrderUpdate?.(order);
    } else if (type === 'error') {
      texts.error++;
      env.log.warn({ error: msg.data }, 'kite ticker: error message');
    } else if (type === 'message') {
      texts.message++;
      env.log.info({ message: msg.data }, 'kite ticker: broker message');
    } else texts.other++;
  };

  const connections = splitTokens(tokens, k.tokensPerConnection).map(
    (chunk, i) =>
      new KiteTickerConnection({
        url: k.url,
        apiKey: k.apiKey,
        accessToken: k.accessToken,
        tokens: chunk,
        mode: k.mode,
        livenessMs: k.livenessMs,
        reconnectBaseMs: k.reconnectBaseMs,
        reconnectMaxMs: k.reconnectMaxMs,
        clock,
        jitterSeed: `kite-reconnect:${i}`,
        onBinary,
        onText,
        onEvent(event, d) {
          if (event === 'open') env.log.info({ connection: i, tokens: chunk.length, mode: k.mode, opened: d.opened }, d.opened > 1 ? 'kite ticker reconnected and resubscribed' : 'kite ticker connected');
          else env.log.warn({ connection: i, reason: d.reason, retryInMs: d.retryInMs }, 'kite ticker connection lost');
        },
      }),
  );
  if (connections.length > 3) {
    env.log.warn({ connections: connections.length, tokens: tokens.length }, 'more than 3 ticker connections: Kite allows 3 per api_key');
  }

  const status = (): KiteFeedStatus => ({
    mode: k.mode,
    connections: connections.map((c) => c.status()),
    frames,
    packets,
    heartbeats,
    malformed,
    texts: { ...texts },
    journal: journal === undefined ? null : { next: journal.log.next, appended: journal.log.appended, rewoundFrom: journal.rewindFrom, rewound },
  });

  return {
    kind: 'kite',
    stateKey: K.feedState(), // never written: checkpoint() has nothing to persist
    checkpointEveryMs: 60_000,
    restored: false,
    targetRate: null,
    start() {
      env.log.info({ url: k.url, tokens: tokens.length, connections: connections.length, mode: k.mode }, 'kite ticker source starting');
      // The rewind: what the cores consumed after their last checkpoint, in order, before any live tick
      if (journal !== undefined && journal.rewindFrom !== null && journal.rewindFrom < feedSeq) {
        for (const t of journal.log.from(journal.rewindFrom)) {
          if (publisher.tryPublish(t, clock.monoNs(), t.feedSeq)) {
            rewound++;
            published++;
          } else {
            dropped++;
            lastDropAt = clock.monoMs();
          }
        }
        env.log.info({ from: journal.rewindFrom, to: feedSeq - 1, rewound }, 'kite ticker source: journal re-published from the last checkpoint');
      }
      for (const c of connections) c.start();
    },
    async stop() {
      await Promise.all(connections.map((c) => c.stop()));
    },
    checkpoint: () => undefined,
    stats: () => ({ published, dropped, lastTickTs }),
    marketOpen: () => isMarketOpen(clock.nowMs(), s.hours),
    replay: () => null,
    kiteStatus: status,
    health(): ActorHealth {
      const st = connections.map((c) => c.status());
      const down = st.filter((c) => c.state !== 'open');
      const why = down.find((c) => c.lastError !== null)?.lastError ?? 'connecting';
      if (down.length === st.length) return { status: 'unhealthy', detail: `KiteTicker disconnected: ${why}` };
      if (down.length > 0) return { status: 'degraded', detail: `${down.length} of ${st.length} KiteTicker connections down: ${why}` };
      if (lastDropAt !== null && clock.monoMs() - lastDropAt < DROP_WINDOW_MS) {
        return { status: 'degraded', detail: `dropped ticks detected (${dropped} since start): a consumer is a full ring behind` };
      }
      return { status: 'healthy' };
    },
  };
}
