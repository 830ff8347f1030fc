// The live stream path end to end (ring → main-thread tap → socketpair → gateway process → uWS):
// `every` mode delivers every tick in publish order per instrument, nothing arrives after an
// unsubscribe ack, and a slow `every` client's buffer overflow is counted and reported to it as a
// `dropped` message at the gap, while received + dropped accounts for every tick published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startHarness, TOKENS, type Harness } from '../fixtures/gateway-harness.js';
import { eventually } from '../support/system.js';

let h: Harness;
beforeAll(async () => {
  // Small buffers so a paused `every` client overflows after a few hundred ticks
  h = await startHarness({ args: { softLimitBytes: 16 * 1024, maxQueuedTicks: 200, stallMs: 60_000 } });
});
afterAll(async () => {
  await h?.stop();
});

type TickMsg = { type: 'ticks'; data: { token: number; ltp: number }[] };
const ticksOf = (c: Client, from = 0): TickMsg['data'] => (c.json.slice(from).filter((m) => m['type'] === 'ticks') as unknown as TickMsg[]).flatMap((m) => m.data);

/** Emits `rounds` × tokens ticks, ltp = base + round, in calls of `perCall` rounds. */
async function emitRounds(tokens: readonly number[], base: number, rounds: number, perCall = 50): Promise<void> {
  for (let r = 0; r < rounds; r += perCall) {
    const batch = [];
    for (let k = r; k < Math.min(rounds, r + perCall); k++) for (const token of tokens) batch.push({ token, ltp: base + k, exchangeTs: Date.now() });
    await h.system.actor('ticks')!.control()!.call('emit', batch);
  }
}

/** For each token, the ltps received in arrival order. */
function perToken(ticks: TickMsg['data']): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const t of ticks) m.set(t.token, [...(m.get(t.token) ?? []), t.ltp]);
  return m;
}

describe('gateway stream path', () => {
  it('`every` delivers every tick in order per instrument; `latest` ends on the newest', async () => {
    const every = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    const latest = await Client.connect(h.wsUrl, { token: TOKENS.spare });
    every.send({ op: 'subscribe', streams: ['market.ticks'], tokens: [501, 502, 503], mode: 'every' });
    latest.send({ op: 'subscribe', streams: ['market.ticks'], tokens: [501, 502, 503] });
    await every.waitFor((c) => c.of('subscribed').length === 1, 'every subscribed');
    await latest.waitFor((c) => c.of('subscribed').length === 1, 'latest subscribed');
    expect(every.of('subscribed')[0]).toMatchObject({ mode: 'every' });
    expect(latest.of('subscribed')[0]).toMatchObject({ mode: 'latest' });
    // Both are idle, so both are fed by uWS topic publish, not per-socket sends
    const info = (await h.system.process('gateway')!.call('info', null)) as { connections: number; topicFed: number };
    expect(info.topicFed).toBe(info.connections);
    const rounds = 400;
    await emitRounds([501, 502, 503], 10_000, rounds);
    await every.waitFor((c) => ticksOf(c).length + dropsOf(c) >= 3 * rounds, 'every tick or its drop');
    // Nothing is lost on an idle machine with an 8,192-slot ring; should the tap be lapped, the
    // loss would be reported, never silent
    expect(dropsOf(every)).toBe(0);
    const seen = perToken(ticksOf(every));
    for (const token of [501, 502, 503]) expect(seen.get(token)).toEqual(Array.from({ length: rounds }, (_, k) => 10_000 + k));
    await latest.waitFor((c) => [501, 502, 503].every((t) => perToken(ticksOf(c)).get(t)?.at(-1) === 10_000 + rounds - 1), 'latest reaches the newest');
    for (const ltps of perToken(ticksOf(latest)).values()) expect(ltps).toEqual([...ltps].sort((a, b) => a - b));
    every.close();
    latest.close();
  });

  it('sends no tick after the unsubscribed ack (whole stream and single instruments)', async () => {
    const c = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    c.send({ op: 'subscribe', streams: ['market.ticks'], tokens: [601, 602], mode: 'every' });
    await c.waitFor((x) => x.of('subscribed').length === 1, 'subscribed');
    await emitRounds([601, 602], 20_000, 50);
    await c.waitFor((x) => ticksOf(x).filter((t) => t.ltp === 20_049).length === 2, 'first ticks');
    c.send({ op: 'unsubscribe', streams: ['market.ticks'], tokens: [601] });
    await c.waitFor((x) => x.of('unsubscribed').length === 1, 'token unsubscribed');
    const afterToken = c.json.length;
    await emitRounds([601, 602], 30_000, 50);
    await c.waitFor((x) => ticksOf(x, afterToken).some((t) => t.ltp === 30_049), 'ticks of the remaining token');
    expect(ticksOf(c, afterToken).filter((t) => t.token === 601)).toEqual([]);
    c.send({ op: 'unsubscribe', streams: ['market.ticks'] });
    await c.waitFor((x) => x.of('unsubscribed').length === 2, 'stream unsubscribed');
    const afterAll = c.json.length;
    await emitRounds([601, 602], 40_000, 50);
    // A ping answered after the ticks were published proves the gateway had its chance to send them
    await new Promise((r) => setTimeout(r, 300));
    c.send({ op: 'ping', id: 'fence' });
    await c.waitFor((x) => x.of('pong').length === 1, 'pong');
    expect(ticksOf(c, afterAll)).toEqual([]);
    c.close();
  });

  it('a paused `every` client overflows its bounded buffer: drops counted, reported at the gap, others unaffected', async () => {
    const slow = await Client.connect(h.wsUrl, { token: TOKENS.reader });
    const fast = await Client.connect(h.wsUrl, { token: TOKENS.spare });
    for (const c of [slow, fast]) c.send({ op: 'subscribe', streams: ['market.ticks'], tokens: [701], mode: 'every', depth: true });
    await slow.waitFor((c) => c.of('subscribed').length === 1, 'slow subscribed');
    await fast.waitFor((c) => c.of('subscribed').length === 1, 'fast subscribed');
    slow.pauseReading();
    // Enough bytes (~1 KB per tick with depth) to fill the loopback buffers several times over
    const rounds = 30_000;
    await emitRounds([701], 1, rounds, 1000);
    await fast.waitFor((c) => ticksOf(c).length + dropsOf(c) >= rounds, 'fast client got everything', 20_000);
    expect(ticksOf(fast).length + dropsOf(fast)).toBe(rounds);
    const fastLtps = ticksOf(fast).map((t) => t.ltp);
    expect(fastLtps).toEqual([...fastLtps].sort((a, b) => a - b));
    slow.resumeReading();
    await slow.waitFor((c) => ticksOf(c).length + dropsOf(c) >= rounds, 'slow client: every tick received or reported dropped', 20_000);
    expect(ticksOf(slow).length + dropsOf(slow)).toBe(rounds);
    // The slow client's own overflow (metric) plus what the tap lost for everyone (the fast client's drops)
    const overflow = await metric('alpha_gateway_ws_every_dropped_ticks_total');
    expect(overflow).toBeGreaterThan(0);
    expect(dropsOf(slow)).toBe(overflow + dropsOf(fast));
    // In order, and the gap sits where the dropped message is: the ticks after it continue later
    const ltps = ticksOf(slow).map((t) => t.ltp);
    expect(ltps).toEqual([...ltps].sort((a, b) => a - b));
    const firstDrop = slow.json.findIndex((m) => m['type'] === 'dropped');
    const before = ticksOf({ json: slow.json.slice(0, firstDrop) } as Client);
    const after = ticksOf({ json: slow.json.slice(firstDrop) } as Client);
    const count = slow.json[firstDrop]!['count'] as number;
    if (after.length > 0) expect(after[0]!.ltp).toBe((before.at(-1)?.ltp ?? 0) + count + 1);
    expect(slow.closed).toBeUndefined();
    // Drained and caught up: the slow client is back on topics with everyone else
    await eventually(async () => {
      const info = (await h.system.process('gateway')!.call('info', null)) as { connections: number; topicFed: number };
      return info.topicFed === info.connections;
    }, 10_000, 'slow client back on topics');
    slow.close();
    fast.close();
  });
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${h.base}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.reader}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

function dropsOf(c: Client): number {
  return c.json.filter((m) => m['type'] === 'dropped' && m['stream'] === 'market.ticks').reduce((s, m) => s + (m['count'] as number), 0);
}
