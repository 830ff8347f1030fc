// One outbound topic of a cluster bridge (src/cluster/outbound.ts) against a fake JetStream that
// models the server: a stream of {msgID, data}, msgID deduplication checked before the
// Nats-Expected-Last-Msg-Id expectation, and a wire between the client and the server on which
// messages are processed in send order while their replies come back in any order, are lost, or
// are given up on by the client (timeouts) before or after the server stored the message. The
// property drives random interleavings (fast-check; the seed is printed on failure).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamPublishOptions, PubAck } from '@nats-io/jetstream';
import { OutboundStream, type OutboundOptions, type OutRecord, type TickSeqOf } from '../../../src/cluster/outbound.js';
import { HDR } from '../../../src/cluster/subjects.js';

const seed = Number(process.env['SEED'] ?? Date.now() % 2 ** 31);
console.log('seed', seed);

const SUBJECT = 'alpha.paper.signals.raw';
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Stored {
  readonly msgID: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
}

interface Msg {
  readonly n: number;
  readonly msgID: string;
  readonly data: Uint8Array;
  readonly expect: string | undefined;
  readonly headers: MsgHdrs | undefined;
  readonly resolve: (a: PubAck) => void;
  readonly reject: (e: Error) => void;
  /** The client's promise has settled (reply delivered or given up on). */
  done: boolean;
}

type Outcome = { ok: PubAck } | { err: Error };

interface Lookup {
  readonly lookup: true;
  readonly resolve: (id: string | null) => void;
  readonly reject: (e: Error) => void;
}

/** The server side and the wire. Nothing happens on its own: the test steps it. */
class FakeJetStream {
  stream: Stored[] = [];
  up = true;
  /** Sent, not yet processed by the server (processed in this order): publishes and last-id lookups. */
  wire: (Msg | Lookup)[] = [];
  /** Lookups of the last id travel on the wire behind the publishes sent before them (else: answered at once). */
  lookupsOnWire = false;
  /** Processed, reply not yet delivered to the client. */
  replies: { msg: Msg; outcome: Outcome }[] = [];
  /** Publishes whose promise has not settled. */
  open: Msg[] = [];
  /** Every publish call, in order (for inspecting what the client sent). */
  sent: Msg[] = [];
  /** Auto mode: each publish is processed and answered in a microtask (unless `drop` says otherwise). */
  auto = false;
  drop: (n: number) => boolean = () => false;

  readonly js: Pick<JetStreamClient, 'publish'> = {
    publish: (subject: string, payload?: unknown, options?: Partial<JetStreamPublishOptions>): Promise<PubAck> => {
      expect(subject).toBe(SUBJECT);
      return new Promise<PubAck>((resolve, reject) => {
        const m: Msg = {
          n: this.sent.length,
          msgID: options!.msgID!,
          data: payload as Uint8Array,
          expect: options?.expect?.lastMsgID,
          headers: options?.headers,
          resolve,
          reject,
          done: false,
        };
        this.sent.push(m);
        this.wire.push(m);
        this.open.push(m);
        if (this.auto) {
          queueMicrotask(() => {
            if (this.drop(m.n)) {
              this.wire.splice(this.wire.indexOf(m), 1);
              this.settle(m, { err: new Error('timeout') });
              return;
            }
            this.process();
            this.reply(this.replies.findIndex((r) => r.msg === m));
          });
        }
      });
    },
  };

  /** The bridge's lastStoredId. */
  lastStoredId(): Promise<string | null> {
    if (!this.lookupsOnWire) return this.up ? Promise.resolve(this.lastId()) : Promise.reject(new Error('unreachable'));
    return new Promise((resolve, reject) => this.wire.push({ lookup: true, resolve, reject }));
  }

  lastId(): string | null {
    return this.stream.length === 0 ? null : this.stream[this.stream.length - 1]!.msgID;
  }

  /** The server handles the oldest message on the wire: lost while down. */
  process(): boolean {
    const m = this.wire.shift();
    if (m === undefined) return false;
    if ('lookup' in m) {
      if (this.up) m.resolve(this.lastId());
      else m.reject(new Error('unreachable'));
      return true;
    }
    if (!this.up) return true;
    const at = this.stream.findIndex((s) => s.msgID === m.msgID);
    let outcome: Outcome;
    if (at >= 0) outcome = { ok: { stream: 'S', seq: at + 1, duplicate: true } };
    else if (m.expect !== undefined && m.expect !== this.lastId()) outcome = { err: new Error(`wrong last msg ID: ${this.lastId()}`) };
    else {
      this.stream.push({ msgID: m.msgID, data: m.data, headers: m.headers });
      outcome = { ok: { stream: 'S', seq: this.stream.length, duplicate: false } };
    }
    this.replies.push({ msg: m, outcome });
    return true;
  }

  /** Delivers reply i (a reply to a publish the client gave up on is lost). */
  reply(i: number): void {
    const [r] = this.replies.splice(i, 1);
    if (r !== undefined) this.settle(r.msg, r.outcome);
  }

  /** The client gives up on open publish i: whether or not the server has (or will) process it. */
  timeout(i: number): void {
    const m = this.open[i];
    if (m !== undefined) this.settle(m, { err: new Error('TIMEOUT') });
  }

  private settle(m: Msg, outcome: Outcome): void {
    if (m.done) return;
    m.done = true;
    this.open.splice(this.open.indexOf(m), 1);
    if ('ok' in outcome) m.resolve(outcome.ok);
    else m.reject(outcome.err);
  }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

const record = (ring: number, extra: Partial<OutRecord> = {}): OutRecord => ({ ringSeq: ring, data: enc.encode(`rec-${ring}`), msgID: `m${ring}`, ...extra });

interface Harness {
  fake: FakeJetStream;
  out: OutboundStream;
  timers: { fn: () => void; ms: number }[];
  delays: number[];
  storedCalls: [number, number][];
  eachCalls: [number, number][];
  /** Both callbacks in call order. */
  calls: string[];
  failures: string[];
  runTimers(): void;
}

function harness(opts: Partial<OutboundOptions> = {}, fake = new FakeJetStream()): Harness {
  const h: Harness = {
    fake,
    out: undefined as unknown as OutboundStream,
    timers: [],
    delays: [],
    storedCalls: [],
    eachCalls: [],
    calls: [],
    failures: [],
    runTimers() {
      const due = h.timers.splice(0);
      for (const t of due) t.fn();
    },
  };
  h.out = new OutboundStream({
    js: fake.js,
    subject: SUBJECT,
    maxInFlight: 4,
    publishTimeoutMs: 5000,
    stored: (r, s) => {
      h.storedCalls.push([r, s]);
      h.calls.push(`stored ${r}`);
    },
    each: (r, s) => {
      h.eachCalls.push([r, s]);
      h.calls.push(`each ${r}`);
    },
    lastStoredId: () => fake.lastStoredId(),
    failed: (reason) => h.failures.push(reason),
    setTimer: (fn, ms) => {
      h.timers.push({ fn, ms });
      h.delays.push(ms);
    },
    ...opts,
  });
  return h;
}

/** Server up; everything processed, answered, timed out (lost messages) and retried until quiet. */
async function drain(h: Harness): Promise<void> {
  const { fake } = h;
  for (let round = 0; round < 1000; round++) {
    fake.up = true;
    while (fake.process());
    await flush();
    while (fake.replies.length > 0) {
      fake.reply(0);
      await flush();
    }
    if (fake.wire.length === 0 && fake.open.length > 0) {
      while (fake.open.length > 0) fake.timeout(0);
      await flush();
    }
    if (h.timers.length > 0) {
      h.runTimers();
      await flush();
    }
    if (fake.wire.length === 0 && fake.open.length === 0 && fake.replies.length === 0 && h.timers.length === 0) return;
  }
  throw new Error(`no progress: backlog ${h.out.backlog}, in flight ${h.out.inflight}, stream ${fake.stream.map((s) => s.msgID).join(',')}`);
}

/** Checks the stream holds `records` (after `before`) once each, in ring order, and the callbacks. */
function checkSettled(h: Harness, records: OutRecord[], before: string[]): void {
  const { fake } = h;
  expect(fake.stream.map((s) => s.msgID)).toEqual([...before, ...records.map((r) => r.msgID)]);
  expect(fake.stream.slice(before.length).map((s) => dec.decode(s.data))).toEqual(records.map((r) => dec.decode(r.data)));
  expect(h.out.backlog).toBe(0);
  expect(h.out.inflight).toBe(0);
  // each: once per record, in ring order, with the record's stream sequence
  const seqOf = (id: string): number => fake.stream.findIndex((s) => s.msgID === id) + 1;
  expect(h.eachCalls).toEqual(records.map((r) => [r.ringSeq, seqOf(r.msgID)]));
  // stored: non-decreasing ring seqs ending at the last record, each with its record's stream sequence
  const rings = h.storedCalls.map(([r]) => r);
  for (let i = 1; i < rings.length; i++) expect(rings[i]!).toBeGreaterThanOrEqual(rings[i - 1]!);
  if (records.length > 0) expect(rings[rings.length - 1]).toBe(records[records.length - 1]!.ringSeq);
  for (const [r, s] of h.storedCalls) expect(s).toBe(seqOf(`m${r}`));
  // each of a record comes before the stored report covering it
  for (const [r] of h.storedCalls) expect(h.calls.indexOf(`each ${r}`)).toBeLessThan(h.calls.indexOf(`stored ${r}`));
}

describe('OutboundStream', () => {
  it('publishes in ring order, each expecting its predecessor, and reports what is stored', async () => {
    const h = harness({ maxInFlight: 2 });
    h.fake.auto = true;
    const recs = [0, 1, 2, 3, 4].map((i) => record(10 + i));
    for (const r of recs) h.out.push(r);
    await flush();
    expect(h.fake.sent.map((m) => [m.msgID, m.expect])).toEqual([
      ['m10', undefined],
      ['m11', 'm10'],
      ['m12', 'm11'],
      ['m13', 'm12'],
      ['m14', 'm13'],
    ]);
    // A record naming no tick carries no header (the message id and the expectation are options)
    for (const m of h.fake.sent) expect(m.headers).toBeUndefined();
    checkSettled(h, recs, []);
    expect(h.failures).toEqual([]);
    expect(h.out.stats).toMatchObject({ published: 5, stored: 5, duplicates: 0, retries: 0 });
  });

  it('keeps at most maxInFlight publishes waiting', () => {
    const h = harness({ maxInFlight: 3 });
    for (let i = 0; i < 10; i++) h.out.push(record(i));
    expect(h.fake.sent).toHaveLength(3);
    expect(h.out.inflight).toBe(3);
    expect(h.out.backlog).toBe(10);
  });

  it('reports stored only once every earlier record is acknowledged', async () => {
    const h = harness({ maxInFlight: 3 });
    for (let i = 0; i < 3; i++) h.out.push(record(i));
    while (h.fake.process());
    h.fake.reply(2); // m2's reply first
    await flush();
    expect(h.storedCalls).toEqual([]);
    h.fake.reply(1); // m1
    await flush();
    expect(h.storedCalls).toEqual([]);
    h.fake.reply(0); // m0: the whole prefix
    await flush();
    expect(h.eachCalls).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(h.storedCalls).toEqual([[2, 3]]);
  });

  it('a record stored whose reply was lost, followed by records the server accepted: resent as a duplicate, stored once', async () => {
    const h = harness({ maxInFlight: 3 });
    const recs = [0, 1, 2].map((i) => record(i));
    for (const r of recs) h.out.push(r);
    while (h.fake.process()); // all three stored (m1 expects m0, m2 expects m1)
    h.fake.timeout(0); // but the client gives up on m0
    await flush();
    expect(h.failures).toEqual(['TIMEOUT']);
    while (h.fake.replies.length > 0) h.fake.reply(0); // m1's and m2's acks arrive (m0's is lost)
    await flush();
    expect(h.eachCalls).toEqual([]);
    expect(h.storedCalls).toEqual([]);
    expect(h.timers).toHaveLength(1);
    h.runTimers();
    await flush();
    // m0 again, expecting the stream's actual last id; m1 and m2 are not resent
    expect(h.fake.sent.slice(3).map((m) => [m.msgID, m.expect])).toEqual([['m0', 'm2']]);
    await drain(h);
    checkSettled(h, recs, []);
    expect(h.out.stats.duplicates).toBe(1);
  });

  it('after a failure, records the stream already acknowledged are skipped and the next one expects its predecessor', async () => {
    const h = harness({ maxInFlight: 4 });
    const recs = [0, 1, 2, 3].map((i) => record(i));
    for (const r of recs) h.out.push(r);
    h.fake.process(); // m0 stored...
    h.fake.timeout(0); // ...but its ack is lost
    h.fake.process(); // m1 stored (expects m0)
    h.fake.up = false;
    h.fake.process(); // m2 lost
    h.fake.up = true;
    h.fake.process(); // m3 refused (expects m2)
    while (h.fake.replies.length > 0) h.fake.reply(0);
    await flush();
    h.fake.timeout(0); // m2 given up on
    await flush();
    expect(h.out.inflight).toBe(0);
    h.runTimers();
    await flush();
    expect(h.fake.sent.slice(4).map((m) => [m.msgID, m.expect])).toEqual([
      ['m0', 'm1'],
      ['m2', 'm1'],
      ['m3', 'm2'],
    ]);
    await drain(h);
    checkSettled(h, recs, []);
    expect(h.failures).toHaveLength(1);
    expect(h.out.stats).toMatchObject({ published: 7, duplicates: 1, retries: 1 });
  });

  it('a lost record refuses every later one, even those reaching a server that came back', async () => {
    const h = harness({ maxInFlight: 3 });
    const recs = [0, 1, 2, 3].map((i) => record(i));
    for (const r of recs) h.out.push(r);
    h.fake.up = false;
    h.fake.process(); // m0 lost
    h.fake.up = true;
    h.fake.process(); // m1 (expects m0): refused
    h.fake.process(); // m2: refused
    expect(h.fake.stream).toEqual([]);
    h.fake.timeout(0);
    h.fake.reply(0);
    h.fake.reply(0);
    await flush();
    expect(h.failures).toHaveLength(1); // once per failure, not per refused publish
    expect(h.fake.sent).toHaveLength(3); // nothing sent while failing
    h.runTimers();
    await flush();
    expect(h.fake.sent[3]).toMatchObject({ msgID: 'm0', expect: undefined }); // the stream is empty
    await drain(h);
    checkSettled(h, recs, []);
  });

  it('resumes after records of an earlier incarnation: those are duplicates, the rest follow them', async () => {
    const h = harness({ maxInFlight: 2 });
    h.fake.stream = [
      { msgID: 'other', data: enc.encode('x'), headers: undefined },
      { msgID: 'm0', data: enc.encode('rec-0'), headers: undefined },
      { msgID: 'm1', data: enc.encode('rec-1'), headers: undefined },
    ];
    h.fake.auto = true;
    const recs = [0, 1, 2, 3].map((i) => record(i));
    for (const r of recs) h.out.push(r);
    await drain(h);
    checkSettled(h, recs, ['other']);
    expect(h.eachCalls).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect(h.out.stats.duplicates).toBe(2);
  });

  it('backs off 100 ms doubling to 2 s while failing, and from 100 ms again once something is stored', async () => {
    const h = harness({ maxInFlight: 1 });
    h.fake.auto = true;
    let failing = true;
    h.fake.drop = () => failing;
    h.out.push(record(0));
    for (let i = 0; i < 7; i++) {
      await flush();
      expect(h.timers).toHaveLength(1);
      h.runTimers();
    }
    await flush();
    expect(h.delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000]);
    expect(h.failures).toHaveLength(8);
    expect(h.out.stats.retries).toBe(7);
    failing = false;
    h.runTimers();
    await flush();
    expect(h.storedCalls).toEqual([[0, 1]]);
    failing = true;
    h.out.push(record(1));
    await flush();
    expect(h.delays[h.delays.length - 1]).toBe(100);
  });

  it('retries later when the last stored id cannot be read', async () => {
    let reachable = false;
    const fake = new FakeJetStream();
    const h = harness({ maxInFlight: 1, lastStoredId: () => (reachable ? Promise.resolve(fake.lastId()) : Promise.reject(new Error('down'))) }, fake);
    h.out.push(record(0));
    h.fake.timeout(0);
    await flush();
    h.runTimers(); // lastStoredId fails: another timer
    await flush();
    expect(h.delays).toEqual([100, 200]);
    expect(h.fake.sent).toHaveLength(1);
    reachable = true;
    await drain(h);
    checkSettled(h, [record(0)], []);
  });

  it('does not send while failing, even records pushed meanwhile', async () => {
    const h = harness({ maxInFlight: 4 });
    h.out.push(record(0));
    h.fake.timeout(0);
    await flush();
    h.out.push(record(1));
    h.out.push(record(2));
    expect(h.fake.sent).toHaveLength(1);
    await drain(h);
    checkSettled(h, [0, 1, 2].map((i) => record(i)), []);
  });

  it('compacts its queue on long runs without losing order (a failure after compaction included)', async () => {
    const h = harness({ maxInFlight: 16 });
    h.fake.auto = true;
    const failAt = new Set([5000, 5003, 8200]);
    h.fake.drop = (n) => failAt.has(n);
    const recs: OutRecord[] = [];
    for (let i = 0; i < 9000; i++) recs.push(record(i));
    for (let i = 0; i < recs.length; i++) {
      h.out.push(recs[i]!);
      if (i % 64 === 0) await flush();
    }
    await drain(h);
    expect(h.fake.stream.length).toBe(9000);
    expect(h.fake.stream.every((s, i) => s.msgID === `m${i}`)).toBe(true);
    expect(h.eachCalls.length).toBe(9000);
    expect(h.eachCalls.every(([r, s], i) => r === i && s === i + 1)).toBe(true);
    expect(h.storedCalls[h.storedCalls.length - 1]).toEqual([8999, 9000]);
    expect(h.failures.length).toBeGreaterThanOrEqual(1);
  });
});

describe('OutboundStream: records naming ticks', () => {
  it('holds a record while its tick is pending, then sends it with the tick stream sequence', async () => {
    let tick: ReturnType<TickSeqOf> = 'pending';
    const asked: number[] = [];
    const h = harness({
      tickSeqOf: (r) => {
        asked.push(r);
        return tick;
      },
    });
    h.fake.auto = true;
    h.out.push(record(0, { tickRef: 7 }));
    h.out.push(record(1)); // behind it, no tick: must not overtake it
    await flush();
    expect(asked).toContain(7);
    expect(h.fake.sent).toHaveLength(0);
    expect(h.out.backlog).toBe(2);
    h.out.kick();
    expect(h.fake.sent).toHaveLength(0); // still pending
    tick = 1234;
    h.out.kick();
    await flush();
    expect(h.fake.sent.map((m) => m.msgID)).toEqual(['m0', 'm1']);
    expect(h.fake.sent[0]!.headers?.get(HDR.tick)).toBe('1234');
    expect(h.fake.sent[1]!.headers).toBeUndefined();
    checkSettled(h, [record(0, { tickRef: 7 }), record(1)], []);
  });

  it("sends a record whose tick is 'unknown' without the header, counting it", async () => {
    const h = harness({ tickSeqOf: () => 'unknown' });
    h.fake.auto = true;
    h.out.push(record(0, { tickRef: 3 }));
    await flush();
    expect(h.fake.sent).toHaveLength(1);
    expect(h.fake.sent[0]!.headers?.has(HDR.tick) ?? false).toBe(false);
    expect(h.out.stats.unknownTicks).toBe(1);
  });

  it('does not ask about a negative tick ref', async () => {
    const asked: number[] = [];
    const h = harness({ tickSeqOf: (r) => (asked.push(r), 'pending') });
    h.fake.auto = true;
    h.out.push(record(0, { tickRef: -1 }));
    await flush();
    expect(asked).toEqual([]);
    expect(h.fake.sent).toHaveLength(1);
  });

  it('a resend after a failure carries the tick header again', async () => {
    const h = harness({ tickSeqOf: (r) => r * 10 });
    h.out.push(record(0, { tickRef: 4 }));
    h.fake.timeout(0);
    await drain(h);
    expect(h.fake.sent.map((m) => m.headers?.get(HDR.tick))).toEqual(['40', '40']);
    expect(h.fake.stream[0]!.headers?.get(HDR.tick)).toBe('40');
  });
});

// ---- the property ----------------------------------------------------------------------------

type Action =
  | { k: 'push'; n: number }
  | { k: 'process'; n: number }
  | { k: 'reply'; i: number }
  | { k: 'timeout'; i: number }
  | { k: 'down' }
  | { k: 'up' }
  | { k: 'blip' }
  | { k: 'timers' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('push' as const), n: fc.integer({ min: 1, max: 4 }) }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('process' as const), n: fc.integer({ min: 1, max: 3 }) }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('reply' as const), i: fc.nat({ max: 8 }) }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('timeout' as const), i: fc.nat({ max: 8 }) }), weight: 2 },
  { arbitrary: fc.constant({ k: 'down' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'up' as const }), weight: 1 },
  // the server drops the next message on the wire and is back for the ones after it
  { arbitrary: fc.constant({ k: 'blip' as const }), weight: 2 },
  { arbitrary: fc.constant({ k: 'timers' as const }), weight: 2 },
);

describe('OutboundStream (property)', () => {
  it('whatever fails and in whatever order replies come, the stream ends with every record once, in ring order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 2 }),
        fc.oneof(fc.constant(0), fc.nat({ max: 25 })),
        fc.boolean(),
        fc.array(actionArb, { maxLength: 80, size: 'max' }),
        async (n, maxInFlight, ringBase, foreign, storedBefore, lookupsOnWire, actions) => {
          const h = harness({ maxInFlight });
          h.fake.lookupsOnWire = lookupsOnWire;
          const recs = Array.from({ length: n }, (_, i) => record(ringBase + i));
          // An earlier incarnation may have stored a prefix already (after some foreign messages)
          const before = Array.from({ length: foreign }, (_, i) => `other${i}`);
          const prefix = recs.slice(0, Math.min(storedBefore, n));
          h.fake.stream = [...before.map((id) => ({ msgID: id, data: enc.encode(id), headers: undefined })), ...prefix.map((r) => ({ msgID: r.msgID, data: r.data, headers: undefined }))];
          let pushed = 0;
          for (const a of actions) {
            switch (a.k) {
              case 'push':
                for (let j = 0; j < a.n && pushed < n; j++) h.out.push(recs[pushed++]!);
                break;
              case 'process':
                for (let j = 0; j < a.n; j++) h.fake.process();
                break;
              case 'reply':
                if (h.fake.replies.length > 0) h.fake.reply(a.i % h.fake.replies.length);
                break;
              case 'timeout':
                if (h.fake.open.length > 0) h.fake.timeout(a.i % h.fake.open.length);
                break;
              case 'down':
                h.fake.up = false;
                break;
              case 'up':
                h.fake.up = true;
                break;
              case 'blip': {
                const was = h.fake.up;
                h.fake.up = false;
                h.fake.process();
                h.fake.up = was;
                break;
              }
              case 'timers':
                h.runTimers();
                break;
            }
            await flush();
            // never more than the window in flight, never one record twice at once
            expect(h.fake.open.length).toBeLessThanOrEqual(maxInFlight);
            expect(new Set(h.fake.open.map((m) => m.msgID)).size).toBe(h.fake.open.length);
            expect(h.out.inflight).toBe(h.fake.open.length);
          }
          while (pushed < n) h.out.push(recs[pushed++]!);
          await drain(h);
          checkSettled(h, recs, before);
        },
      ),
      { seed, numRuns: 150 },
    );
  });
});
