// Two nodes over a REAL nats-server (JetStream, temp store, free port): node A runs the market feed
// and the strategy runner, node B the trading core (risk + venue), the portfolio and the rest. The
// same replay file through one process is the reference: B's fill log must equal it field by field,
//   - in an undisturbed run, while a third process (a plain NATS client) reads B's PnL snapshots;
//   - when node B is SIGKILLed mid-replay and started again (it resumes the streams from its last
//     completed checkpoint: nothing lost, nothing twice, positions = fold(fills));
//   - when the nats-server is restarted mid-run (both nodes reconnect and resume).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUMENT_TOKENS } from '../../src/domain/instruments/index.js';
import type { Fill } from '../../src/domain/types.js';
import { projectRoot } from '../../src/runtime/system.js';
import { runPipelineReplay, type PipelineRun } from '../../bench/replay-pipeline.js';
import { CLEAN_FILL_SET, fillSetChecker, openStoreReader, orderChecker, positionReplayChecker, type StoreDump, type StoreReader } from '../support/checkers.js';
import { eventually, tempDir } from '../support/system.js';
import { NatsServer } from '../../bench/harness/nats-server.js';
import { freePort } from '../../bench/harness/net.js';
import WebSocket from 'ws';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { StreamClient } from '../../src/client/index.js';
import { MainJob, writeReplayFile } from '../fixtures/pipeline-harness.js';

const TICKS = 4000;
const TOKEN = 'cluster-test-reader-token-0123456789';
const TRADER = 'cluster-test-trader-token-0123456789';
const ENV = { RISK__MAX_DAILY_TRADES: '100000', RISK__MAX_POSITION: '40' };
// A tick ring far smaller than the file: node A's runner releases its ticks only once node B's
// checkpoints (mirrored into A's store) name its cuts, so a mirror that stopped would stall the run
const NODE_ENV = { RUNTIME__TICK_RING_CAPACITY: '256' };
const PLACEMENT = JSON.stringify({ A: ['market-feed', 'strategy-runner'], B: ['*'] });

const essence = (f: Fill): string => [f.fillSeq, f.tradeId, f.orderId, f.strategyId, f.token, f.side, f.quantity, f.price, f.fees, f.ts].join(' ');

const jobs: MainJob[] = [];
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) {
    if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
    await j.exited;
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

function checkStore(dump: StoreDump): void {
  expect(fillSetChecker({ dump })).toEqual(CLEAN_FILL_SET);
  expect(orderChecker(dump.orders)).toEqual([]);
  const r = positionReplayChecker(dump, { startingCash: 100_000_000 });
  expect({ portfolio: r.portfolio, risk: r.risk, cash: r.cash }).toEqual({ portfolio: [], risk: [], cash: [] });
}

interface Cluster {
  readonly dir: string;
  readonly file: string;
  readonly nats: NatsServer;
  readonly reference: PipelineRun;
  node(name: 'A' | 'B' | 'G', env?: Record<string, string>): MainJob;
  /** B's fill log once it holds as many fills as the reference (and stays there). */
  settled(): Promise<StoreDump>;
  /** Resolves once B holds a quarter of the reference's fills (the moment to disturb a run). */
  quarterDone(): Promise<void>;
  /** B's store as committed now (undefined before B created it). */
  readB(): StoreDump | undefined;
}

// One replay file and its one-process reference run serve every test of the file
let shared: Promise<{ file: string; reference: PipelineRun }> | undefined;
const sharedDir = tempDir('ap-cluster-file-');
afterAll(() => sharedDir.cleanup());
function sharedReplay(): Promise<{ file: string; reference: PipelineRun }> {
  shared ??= (async () => {
    const file = join(sharedDir.path, 'ticks.jsonl');
    writeReplayFile(file, DEFAULT_INSTRUMENT_TOKENS, TICKS, 100, 'cluster');
    return { file, reference: await runPipelineReplay(file, TICKS, ENV, () => undefined) };
  })();
  return shared;
}

async function cluster(tag: string, pace: Record<string, string>): Promise<Cluster> {
  const tmp = tempDir(`ap-cluster-${tag}-`);
  cleanups.push(tmp.cleanup);
  const { file, reference } = await sharedReplay();
  expect(reference.fills.length).toBeGreaterThan(20);
  const nats = await NatsServer.start(join(tmp.path, 'nats'));
  cleanups.push(() => nats.stop());
  const lmdbB = join(tmp.path, 'B', 'lmdb');
  // One reader for the whole test, opened BEFORE any node runs. Another process opening the
  // environment while B commits can lose some of B's resolved commits (measured with lmdb-js 3.5.6
  // in overlapping and nosync durability, not in strict: see the closing note of this change), so
  // the test never opens it while B writes; B's restarts open it while nobody commits.
  mkdirSync(lmdbB, { recursive: true });
  const reader: StoreReader = openStoreReader(lmdbB);
  cleanups.push(() => reader.close());
  const readB = (): StoreDump | undefined => reader.read();
  const started: { name: string; job: MainJob }[] = [];
  const node = (name: 'A' | 'B' | 'G', env: Record<string, string> = {}): MainJob => {
    const job = new MainJob(
      projectRoot(),
      {
        DATA_DIR: join(tmp.path, name),
        API__ENABLED: 'false',
        LOG_LEVEL: 'info',
        MARKET_FEED__SOURCE: 'replay',
        MARKET_FEED__REPLAY_FILE: file,
        SUMMARY_INTERVAL_MS: '500',
        CLUSTER__NATS_URL: nats.url,
        CLUSTER__PLACEMENT: PLACEMENT,
        ...ENV,
        ...NODE_ENV,
        ...pace,
        ...env,
      },
      ['--node', name],
    );
    jobs.push(job);
    started.push({ name, job });
    return job;
  };
  const settled = async (): Promise<StoreDump> => {
    let dump: StoreDump | undefined;
    await eventually(
      async () => {
        dump = readB();
        return dump !== undefined && dump.fills.length >= reference.fills.length;
      },
      120_000,
      `node B's fill log reaching the reference's ${reference.fills.length} fills`,
    ).catch((e: unknown) => {
      // What the nodes said: their warnings and errors, and each one's last summary and bridge status
      const said = started.map(({ name, job }) => {
        const notable = job.lines.filter((l) => Number(l.level) >= 40 || /retention|resum|rewind|NATS|bridge|checkpoint/i.test(String(l.msg))).slice(-40);
        const summaries = job.lines.filter((l) => String(l.msg).includes('ticks/s')).slice(-2);
        return `--- node ${name} (exit ${String(job.child.exitCode)})\n${[...notable, ...summaries].map((l) => JSON.stringify(l)).join('\n')}\n${job.stderr}`;
      });
      // Which of the reference's fills B's log lacks, and what it holds that the reference does not
      const have = new Set((dump?.fills ?? []).map(essence));
      const want = new Set(reference.fills.map(essence));
      const missing = reference.fills.map(essence).filter((x) => !have.has(x));
      const extra = (dump?.fills ?? []).map(essence).filter((x) => !want.has(x));
      const diff = `missing ${missing.length} (first: ${missing.slice(0, 5).join(' | ')}); extra ${extra.length} (first: ${extra.slice(0, 5).join(' | ')})`;
      const archiveDir = join(tmp.path, 'B', 'archive');
      const archived = existsSync(archiveDir) ? readdirSync(archiveDir).join(', ') : 'none';
      throw new Error(`${(e as Error).message}; B has ${dump?.fills.length ?? '?'} fills; ${diff}; B's archive: ${archived}\n${said.join('\n')}`);
    });
    // Nothing more may follow (a duplicate would show as a longer log)
    await new Promise((r) => setTimeout(r, 1000));
    return readB()!;
  };
  const quarterDone = (): Promise<void> =>
    eventually(() => (readB()?.fills.length ?? 0) >= reference.fills.length / 4, 60_000, 'a quarter of the fills on B');
  return { dir: tmp.path, file, nats, reference, node, settled, quarterDone, readB };
}

async function stopBoth(a: MainJob, b: MainJob): Promise<void> {
  for (const j of [a, b]) j.child.kill('SIGTERM');
  for (const j of [a, b]) {
    const exit = await j.exited;
    expect({ code: exit.code, stderr: j.stderr }).toEqual({ code: 0, stderr: '' });
  }
}

/** The fillSeq of every message of the paper fill stream, in stream order. */
async function streamFillSeqs(url: string): Promise<number[]> {
  const nc = await connect({ servers: url });
  try {
    const js = jetstream(nc);
    const info = await (await jetstreamManager(nc)).streams.info('ALPHA_paper_orders_filled');
    if (info.state.messages === 0) return [];
    const consumer = await js.consumers.get('ALPHA_paper_orders_filled');
    const out: number[] = [];
    const messages = await consumer.consume();
    for await (const m of messages) {
      out.push((m.json() as { data: { fill: { fillSeq: number } } }).data.fill.fillSeq);
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** A third OS process: a plain NATS client counting messages on `subject`. */
function plainSubscriber(url: string, subject: string): { got: () => { count: number; first: unknown }; stop: () => void } {
  const script = `
    import { connect } from '@nats-io/transport-node';
    const nc = await connect({ servers: ${JSON.stringify(url)} });
    let count = 0;
    for await (const m of nc.subscribe(${JSON.stringify(subject)})) {
      count++;
      process.stdout.write(JSON.stringify({ count, data: count === 1 ? m.json() : undefined }) + '\\n');
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
  let state = { count: 0, first: undefined as unknown };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue;
      const m = JSON.parse(line) as { count: number; data?: unknown };
      state = { count: m.count, first: state.first ?? m.data };
    }
  });
  cleanups.push(() => void child.kill('SIGKILL'));
  return { got: () => state, stop: () => void child.kill('SIGKILL') };
}

describe('two nodes over NATS JetStream', () => {
  it('trade exactly as one process, and a plain NATS client reads the PnL snapshots', async () => {
    const c = await cluster('plain', { MARKET_FEED__REPLAY_PACE: 'max' });
    const pnl = plainSubscriber(c.nats.url, 'alpha.paper.pnl.snapshots');
    // Node B serves the gateway: its status and metrics report the node's link to NATS
    const port = await freePort();
    // Every node runs the same configuration (the tree is built from it); only B runs the gateway
    const api = { API__ENABLED: 'true', API__HOST: '127.0.0.1', API__PORT: String(port), API__TOKENS: JSON.stringify([{ name: 'reader', token: TOKEN, scopes: ['read'] }]) };
    const b = c.node('B', api);
    const a = c.node('A', api);
    const dump = await c.settled();
    expect(dump.fills.map(essence)).toEqual(c.reference.fills.map(essence));
    expect(dump.orders.length).toBe(c.reference.orders.size);
    checkStore(dump);
    expect(a.find('cluster node ready')).toHaveLength(1);
    expect(b.find('cluster node ready')).toHaveLength(1);
    await eventually(() => pnl.got().count > 0, 20_000, 'a PnL snapshot on alpha.paper.pnl.snapshots');
    expect(pnl.got().first).toMatchObject({ type: 'pnl_snapshot', broker: 'paper' });
    const get = async (path: string): Promise<Response> => fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    let status: { cluster?: { node: string; connected: boolean; consumers: { topic: string; lag: number; written: number }[] } } = {};
    await eventually(async () => {
      status = ((await (await get('/api/v1/status')).json()) as { data: typeof status }).data;
      return status.cluster?.consumers.every((x) => x.lag === 0) === true;
    }, 20_000, 'B caught up in its status');
    expect(status.cluster).toMatchObject({ node: 'B', connected: true });
    expect(status.cluster!.consumers.map((x) => [x.topic, x.written > 0]).sort()).toEqual([['market.ticks', true], ['paper.signals.raw', true]]);
    // The strategies are the runner's, on node A: B's main thread forwards the call over NATS
    const strategies = (await (await get('/api/v1/strategies')).json()) as { ok: boolean; data: { items: { id: string }[] } };
    expect(strategies.ok).toBe(true);
    expect(strategies.data.items.length).toBeGreaterThan(0);
    expect(strategies.data.items.map((x) => x.id)).toContain('momentum_20');
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('alpha_cluster_connected{node="B"} 1');
    expect(metrics).toMatch(/alpha_cluster_consumer_lag\{node="B",topic="market.ticks"\} 0/);
    await stopBoth(a, b);
  }, 240_000);

  it('node B SIGKILLed mid-replay resumes from its checkpoint: no fill lost or repeated', async () => {
    // ≈ 1 200 ticks/s: the replay runs ~3 s, so the kill (at a quarter of the fills) lands mid-stream
    const c = await cluster('kill', { MARKET_FEED__REPLAY_PACE: 'realtime', MARKET_FEED__REPLAY_SPEED: '120' });
    let b = c.node('B');
    const a = c.node('A');
    await c.quarterDone();
    b.child.kill('SIGKILL');
    expect((await b.exited).signal).toBe('SIGKILL');
    const mid = c.readB()!;
    expect(mid.fills.length).toBeLessThan(c.reference.fills.length);
    checkStore(mid);
    b = c.node('B');
    const dump = await c.settled();
    expect(dump.fills.map(essence)).toEqual(c.reference.fills.map(essence));
    checkStore(dump);
    // It resumed the streams where its checkpoint stood, not from their start
    expect(b.find('inbound stream').map((l) => (l as { resume?: { kind?: string } }).resume?.kind)).toEqual(['at', 'at']);
    // What NATS readers see: the fill stream holds the fill log exactly, once each, in order
    // (fills released but not yet streamed when B died are re-sent from the log at its restart)
    await eventually(async () => (await streamFillSeqs(c.nats.url)).length >= dump.fills.length, 20_000, 'the fill stream catching up');
    expect(await streamFillSeqs(c.nats.url)).toEqual(dump.fills.map((f) => f.fillSeq));
    await stopBoth(a, b);
  }, 240_000);

  it('node A SIGKILLed mid-replay resumes from the cut named by B\'s mirrored checkpoint; its re-sent records are stored once', async () => {
    const c = await cluster('kill-a', { MARKET_FEED__REPLAY_PACE: 'realtime', MARKET_FEED__REPLAY_SPEED: '120' });
    const b = c.node('B');
    let a = c.node('A');
    await c.quarterDone();
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    a = c.node('A');
    const dump = await c.settled();
    expect(dump.fills.map(essence)).toEqual(c.reference.fills.map(essence));
    checkStore(dump);
    // The restarted runner resumed from a cut (not from the start of the file)
    const resumed = a.find('strategy runner resumes')[0] as { cut?: number | null } | undefined;
    expect(resumed?.cut).toBeGreaterThan(0);
    await stopBoth(a, b);
  }, 240_000);

  it('both nodes ride out a nats-server restart mid-run and lose nothing', async () => {
    const c = await cluster('restart', { MARKET_FEED__REPLAY_PACE: 'realtime', MARKET_FEED__REPLAY_SPEED: '120' });
    const b = c.node('B');
    const a = c.node('A');
    await c.quarterDone();
    await c.nats.restart(1000);
    const dump = await c.settled();
    expect(dump.fills.map(essence)).toEqual(c.reference.fills.map(essence));
    checkStore(dump);
    await eventually(() => a.find('NATS connection back').length > 0 && b.find('NATS connection back').length > 0, 20_000, 'both bridges reconnected');
    await stopBoth(a, b);
  }, 240_000);
});

describe('the gateway on a node of its own', () => {
  it('serves fills, orders, trades and the kill switch from the trading node, and streams ticks and fills from NATS', async () => {
    const c = await cluster('gateway', { MARKET_FEED__REPLAY_PACE: 'realtime', MARKET_FEED__REPLAY_SPEED: '120' });
    const port = await freePort();
    const placement = JSON.stringify({ A: ['market-feed', 'strategy-runner'], G: ['gateway'], B: ['*'] });
    const tokens = [
      { name: 'reader', token: TOKEN, scopes: ['read'] },
      { name: 'trader', token: TRADER, scopes: ['read', 'trade'] },
    ];
    // Every node runs the same configuration (the tree is built from it); only G runs the gateway
    const env = { CLUSTER__PLACEMENT: placement, API__ENABLED: 'true', API__HOST: '127.0.0.1', API__PORT: String(port), API__TOKENS: JSON.stringify(tokens) };
    const g = c.node('G', env);
    await eventually(() => g.find('cluster node ready').length > 0 || g.child.exitCode !== null, 30_000, 'node G ready');
    // Subscribed before the replay starts: ticks and fills reach G's WebSocket clients through NATS
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok === true, 30_000, 'G listening');
    const client = new StreamClient({ url: `ws://127.0.0.1:${port}/ws`, token: TOKEN, WebSocket, backoff: { initialMs: 100, maxMs: 500 } });
    let ticks = 0;
    const fillEvents: unknown[] = [];
    client.on('ticks', (e) => (ticks += e.ticks.length));
    client.on('event', (e) => e.stream === 'paper.orders.filled' && fillEvents.push(e.data));
    // The stream tap is lossy by design (it never slows trading): under load it may skip ticks, and
    // every skipped one is reported as `dropped`; nothing may go missing unreported
    let droppedTicks = 0;
    client.on('dropped', (e) => {
      if (e.stream === 'market.ticks') droppedTicks += e.count;
    });
    client.subscribe(['market.ticks'], { mode: 'every' });
    client.subscribe(['paper.orders.filled']);
    client.connect();
    cleanups.push(() => client.close());
    const b = c.node('B', env);
    const a = c.node('A', env);
    const dump = await c.settled();
    expect(dump.fills.map(essence)).toEqual(c.reference.fills.map(essence));

    const get = async <T>(path: string, token = TOKEN): Promise<T> => {
      const r = (await (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { ok: boolean; data: T; error?: unknown };
      expect(r.ok, JSON.stringify(r.error)).toBe(true);
      return r.data;
    };
    // History: read by B's main thread from B's store, paged like one process
    const fills = await get<{ items: Fill[] }>('/api/v1/fills?size=1000');
    expect(fills.items.map(essence)).toEqual(c.reference.fills.map(essence));
    const orders = await get<{ total: number }>('/api/v1/orders?size=10');
    expect(orders.total).toBe(c.reference.orders.size);
    const trades = await get<{ items: unknown[] }>('/api/v1/trades?limit=1000');
    expect(trades.items.length).toBeGreaterThan(0);
    // An actor call (the runner on A) and a command (the core on B), both through G's main thread
    expect((await get<{ items: { id: string }[] }>('/api/v1/strategies')).items.length).toBeGreaterThan(0);
    expect((await get<Record<string, { engaged: boolean }>>('/api/v1/kill-switch'))['paper']?.engaged).toBe(false);
    const engage = await fetch(`http://127.0.0.1:${port}/api/v1/kill-switch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TRADER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ engaged: true, reason: 'cluster test', broker: 'paper' }),
    });
    expect(engage.status).toBe(200);
    expect((await get<Record<string, { engaged: boolean; reason: string }>>('/api/v1/kill-switch'))['paper']).toEqual({ engaged: true, reason: 'cluster test' });
    // The stream: every tick of the replay and the fills, as released on B
    await eventually(
      () => ticks + droppedTicks >= TICKS && fillEvents.length >= c.reference.fills.length,
      20_000,
      `all ${TICKS} ticks (received or reported dropped) and ${c.reference.fills.length} fills on G's WebSocket (got ${ticks} + ${droppedTicks} dropped, ${fillEvents.length})`,
    );
    expect(ticks + droppedTicks).toBe(TICKS);
    client.close();
    g.child.kill('SIGTERM');
    expect((await g.exited).code).toBe(0);
    await stopBoth(a, b);
  }, 240_000);
});

describe('a cluster node refuses to start', () => {
  const start = async (env: Record<string, string>, args: readonly string[]): Promise<{ code: number | null; lines: MainJob['lines']; stderr: string }> => {
    const tmp = tempDir('ap-cluster-refuse-');
    cleanups.push(tmp.cleanup);
    const job = new MainJob(projectRoot(), { DATA_DIR: tmp.path, API__ENABLED: 'false', LOG_LEVEL: 'info', ...env }, args);
    jobs.push(job);
    const exit = await job.exited;
    return { code: exit.code, lines: job.lines, stderr: job.stderr };
  };

  it('when the NATS server cannot be reached: ERR_NATS_UNREACHABLE naming the URL, exit 6', async () => {
    const port = await freePort();
    const r = await start({ CLUSTER__NATS_URL: `nats://127.0.0.1:${port}`, CLUSTER__PLACEMENT: PLACEMENT, CLUSTER__CONNECT_TIMEOUT_MS: '1000' }, ['--node', 'B']);
    expect(r.code).toBe(6);
    const fatal = r.lines.filter((l) => (l as { code?: string }).code === 'ERR_NATS_UNREACHABLE');
    expect(fatal).toHaveLength(1);
    expect(String(fatal[0]!.msg)).toContain(`nats://127.0.0.1:${port}`);
  }, 60_000);

  it('when the placement is wrong: every problem at once, ERR_PLACEMENT_INVALID, exit 2', async () => {
    const placement = JSON.stringify({ A: ['market-feed', 'strategy-runer'], B: ['trading-core-paper'] });
    const r = await start({ CLUSTER__PLACEMENT: placement }, ['--node', 'C']);
    expect(r.code).toBe(2);
    const reasons = r.lines.filter((l) => (l as { code?: string }).code === 'ERR_PLACEMENT_INVALID').map((l) => String(l.msg));
    // A typo (with its hint), actors placed nowhere, the unknown node
    expect(reasons.some((m) => m.includes('"strategy-runer"') && m.includes('did you mean strategy-runner'))).toBe(true);
    expect(reasons.some((m) => m.includes('"portfolio-manager" is placed on no node'))).toBe(true);
    expect(reasons.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
