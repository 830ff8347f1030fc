// WsHub topic fan-out with a stub uWS: sessions subscribe to the topics their state asks for, each
// update is published once per topic (never per socket), a backpressured session moves to the
// per-socket path (and its ticks are coalesced there), and it returns to topics once drained with
// nothing waiting — in order, nothing sent twice.
import { describe, expect, it } from 'vitest';
import type { Tick } from '../../../src/domain/types.js';
import { GatewayMetrics } from '../../../src/gateway/metrics.js';
import { TokenBucket } from '../../../src/gateway/rate-limit.js';
import { BACKPRESSURE_CHECK_MS, WsHub } from '../../../src/gateway/ws-hub.js';
import { WsSession, type SocketLike } from '../../../src/gateway/ws-session.js';
import { MARKET_TICKS } from '../../../src/protocol/topics.js';

const tick = (token: number, ltp: number): Tick => ({
  token, ltp, lastQty: 1, avgPrice: ltp, volume: 1, buyQty: 0, sellQty: 0, open: ltp, high: ltp, low: ltp, close: ltp,
  oi: 0, oiDayHigh: 0, oiDayLow: 0, divisor: 100, tradable: true, exchangeTs: 0, lastTradeTs: 0, depthBuy: [], depthSell: [],
});

/** A uWS stand-in: topic membership per socket, publish copies to every member. */
class StubApp {
  readonly members = new Map<string, Set<StubSocket>>();
  published: string[] = [];
  publish(topic: string, message: Uint8Array, isBinary: boolean): void {
    this.published.push(topic);
    for (const s of this.members.get(topic) ?? []) s.send(message, isBinary);
  }
}
class StubSocket implements SocketLike {
  buffered = 0;
  readonly got: string[] = [];
  constructor(private readonly app: StubApp) {}
  send(m: Uint8Array | string, _binary: boolean): number {
    this.got.push(typeof m === 'string' ? m : Buffer.from(m).toString('utf8'));
    return 1;
  }
  getBufferedAmount(): number {
    return this.buffered;
  }
  end(): void {}
  subscribe(t: string): void {
    let set = this.app.members.get(t);
    if (set === undefined) this.app.members.set(t, (set = new Set()));
    set.add(this);
  }
  unsubscribe(t: string): void {
    this.app.members.get(t)?.delete(this);
  }
  ltps(): number[] {
    return this.got.map((g) => JSON.parse(g) as { type: string; data?: { ltp: number }[] }).flatMap((m) => (m.type === 'ticks' ? m.data!.map((t) => t.ltp) : []));
  }
}

function setup() {
  let now = 0;
  const app = new StubApp();
  const hub = new WsHub(new GatewayMetrics(), () => now);
  hub.usePublisher(app);
  let id = 1;
  const open = (state: (s: WsSession) => void) => {
    const sock = new StubSocket(app);
    const s = new WsSession(id++, { name: 't', scopes: new Set(['read']) }, '127.0.0.1', sock, { softLimitBytes: 1000, maxQueuedEvents: 10, maxQueuedBytes: 100_000, maxQueuedTicks: 100, stallMs: 60_000 }, new GatewayMetrics(), new TokenBucket({ perMinute: 60, burst: 10 }, 0));
    state(s);
    hub.add({ session: s, cork: (fn) => fn(), topics: sock });
    return { s, sock };
  };
  return { app, hub, open, advance: (ms: number) => (now += ms) };
}

describe('WsHub topics', () => {
  it('publishes each update once per topic; filters and modes are topics', () => {
    const { app, hub, open } = setup();
    const all = [open((s) => s.streams.add(MARKET_TICKS)), open((s) => s.streams.add(MARKET_TICKS))];
    const filtered = open((s) => {
      s.streams.add(MARKET_TICKS);
      s.tickFilter = new Set([2]);
      s.setTickMode('every');
    });
    expect(hub.attached).toBe(3);
    hub.deliver({ ticks: [tick(1, 10), tick(2, 20), tick(2, 21)], events: [], dropped: {} });
    expect(app.published.sort()).toEqual(['t/every/j/2', 't/latest/j']);
    for (const c of all) expect(c.sock.ltps()).toEqual([10, 21]);
    expect(filtered.sock.ltps()).toEqual([20, 21]);
  });

  it('moves a backpressured session to the per-socket path (coalescing) and back once drained', () => {
    const { hub, open, advance } = setup();
    const slow = open((s) => s.streams.add(MARKET_TICKS));
    const fast = open((s) => s.streams.add(MARKET_TICKS));
    hub.deliver({ ticks: [tick(1, 1)], events: [], dropped: {} });
    slow.sock.buffered = 5000;
    advance(BACKPRESSURE_CHECK_MS);
    hub.deliver({ ticks: [tick(1, 2)], events: [], dropped: {} });
    // Seen past the soft limit after that batch: detached, so later updates wait in its session
    expect(hub.attached).toBe(1);
    for (let k = 3; k <= 10; k++) hub.deliver({ ticks: [tick(1, k)], events: [], dropped: {} });
    expect(slow.sock.ltps()).toEqual([1, 2]);
    slow.sock.buffered = 0;
    hub.drained(slow.s.id);
    expect(hub.attached).toBe(2);
    hub.deliver({ ticks: [tick(1, 11)], events: [], dropped: {} });
    expect(slow.sock.ltps()).toEqual([1, 2, 10, 11]);
    expect(fast.sock.ltps()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('follows a changed filter on refresh and forgets a closed socket', () => {
    const { app, hub, open } = setup();
    const c = open((s) => s.streams.add('paper.orders.filled'));
    hub.deliver({ ticks: [], events: [{ topic: 'paper.orders.filled', seq: 1, msg: { i: 1 } }], dropped: { 'market.ticks': 3 } });
    expect(app.published).toEqual(['e/paper.orders.filled']);
    c.s.streams.add(MARKET_TICKS);
    c.s.tickFilter = new Set([7]);
    hub.refresh(c.s.id);
    expect([...app.members.entries()].filter(([, m]) => m.size > 0).map(([t]) => t).sort()).toEqual(['e/market.ticks', 'e/paper.orders.filled', 't/latest/j/7']);
    hub.remove(c.s.id);
    expect(hub.attached).toBe(0);
    app.published = [];
    hub.deliver({ ticks: [tick(7, 1)], events: [], dropped: {} });
    expect(app.published).toEqual([]);
  });
});
