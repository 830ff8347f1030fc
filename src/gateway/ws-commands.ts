// Handling of one client message: size check (1009), per-connection flood limit (error, then 1008),
// parse (bad input is an error frame and a strike; K strikes inside the window close with 1008),
// then subscribe / unsubscribe / ping / format on the session. Synchronous: uWS neuters the
// message buffer when the handler returns, so everything is read before that.
import { MARKET_TICKS } from '../protocol/topics.js';
import { parseCommand, SYSTEM_HEALTH, type ClientCommand } from './ws-protocol.js';
import type { WsSession } from './ws-session.js';

/** What command handling needs from the gateway. */
export interface CommandEnv {
  readonly streams: ReadonlySet<string>;
  readonly maxPayloadBytes: number;
  /** Bad commands tolerated inside strikeWindowMs before the close. */
  readonly strikeLimit: number;
  readonly strikeWindowMs: number;
  /** Messages refused by the flood limit inside floodWindowMs before the close. */
  readonly floodCloseAfter: number;
  readonly floodWindowMs: number;
  readonly floodPerMinute: number;
  /** Monotonic ms. */
  monoMs(): number;
  /** Epoch ms (pong timestamps). */
  wallMs(): number;
  /** The latest system.health payload, sent at once to a new subscriber. */
  lastHealth(): Uint8Array | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Processes one message of `s`. */
export function handleMessage(s: WsSession, data: ArrayBuffer, isBinary: boolean, env: CommandEnv): void {
  if (s.closed) return;
  if (data.byteLength > env.maxPayloadBytes) {
    s.close('ERR_WS_TOO_LARGE');
    return;
  }
  const now = env.monoMs();
  const take = s.flood.take(now);
  if (!take.allowed) {
    // Drops are counted per window: one error frame per window, the close once too many pile up
    if (s.floodWindowStart === null || now - s.floodWindowStart > env.floodWindowMs) {
      s.floodWindowStart = now;
      s.floodDrops = 0;
      s.error('ERR_RATE_LIMITED', `expected at most ${env.floodPerMinute} messages per minute; messages are dropped, retry in ${Math.ceil(take.retryAfterMs / 1000)} s`);
    }
    s.floodDrops++;
    if (s.floodDrops >= env.floodCloseAfter) s.close('ERR_RATE_LIMITED');
    return;
  }
  if (isBinary) {
    strike(s, 'expected a JSON text frame, was binary', env, now);
    return;
  }
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    strike(s, 'expected UTF-8 text', env, now);
    return;
  }
  const parsed = parseCommand(text, env.streams);
  if (!parsed.ok) {
    if (parsed.error.strike) strike(s, parsed.error.reason, env, now);
    else s.error(parsed.error.code, parsed.error.reason);
    return;
  }
  apply(s, parsed.value, env);
}

function strike(s: WsSession, reason: string, env: CommandEnv, now: number): void {
  s.strikes = s.strikes.filter((t) => now - t < env.strikeWindowMs);
  s.strikes.push(now);
  s.error('ERR_WS_BAD_COMMAND', `${reason} (strike ${s.strikes.length} of ${env.strikeLimit})`);
  if (s.strikes.length >= env.strikeLimit) s.close('ERR_WS_BAD_COMMAND');
}

const filterList = (s: WsSession): number[] | null => (s.tickFilter === null ? null : [...s.tickFilter].sort((a, b) => a - b));

function apply(s: WsSession, cmd: ClientCommand, env: CommandEnv): void {
  switch (cmd.op) {
    case 'subscribe': {
      const ticks = cmd.streams.includes(MARKET_TICKS);
      if (ticks) {
        // Additive, like Kite: tokens widen the filter; no tokens means every instrument
        const wasAll = s.wantsTicks && s.tickFilter === null;
        if (cmd.tokens === undefined || wasAll) s.tickFilter = null;
        else s.tickFilter = new Set([...(s.wantsTicks ? (s.tickFilter ?? []) : []), ...cmd.tokens]);
        if (cmd.depth !== undefined) s.depth = cmd.depth;
        if (cmd.mode !== undefined) s.setTickMode(cmd.mode);
      }
      const fresh = cmd.streams.filter((x) => !s.streams.has(x));
      for (const x of cmd.streams) s.streams.add(x);
      s.control({ type: 'subscribed', streams: [...s.streams], tokens: filterList(s), mode: s.tickMode });
      const health = env.lastHealth();
      if (fresh.includes(SYSTEM_HEALTH) && health !== undefined) s.deliver(SYSTEM_HEALTH, health);
      return;
    }
    case 'unsubscribe': {
      const removed: string[] = [];
      for (const x of cmd.streams) {
        if (x === MARKET_TICKS && cmd.tokens !== undefined && s.tickFilter !== null) {
          for (const t of cmd.tokens) s.tickFilter.delete(t);
          s.dropWaitingTicks(cmd.tokens);
          if (s.tickFilter.size > 0) continue;
        } else if (x === MARKET_TICKS && cmd.tokens !== undefined) {
          // Narrowing "every instrument" by exclusion is not supported: keep the subscription
          continue;
        }
        if (s.streams.delete(x)) removed.push(x);
      }
      if (!s.wantsTicks) {
        s.tickFilter = null;
        // Nothing of an old subscription may arrive after its `unsubscribed` ack
        s.dropWaitingTicks();
      }
      s.control({ type: 'unsubscribed', streams: removed, tokens: filterList(s) });
      return;
    }
    case 'ping':
      s.control({ type: 'pong', id: cmd.id ?? null, ts: env.wallMs() });
      return;
    case 'format':
      s.format = cmd.ticks;
      s.control({ type: 'format', ticks: cmd.ticks });
      return;
  }
}
