// Stream clients of the pipeline benches with a gateway (job.stream): N SDK StreamClients in ONE
// process, separate from the pipeline's, each subscribed to every tick (latest or every mode) and
// to the broker's fill and PnL events, as a dashboard or an external strategy would be. It counts
// what arrives and measures, for each fill event, checkpoint release → client (the envelope's ts is
// stamped when the commit that released it completed). IPC: 'start' → 'ready' once every client is
// subscribed; 'report' → 'report' (what arrived since the previous one); 'stop' closes and exits.
import { setPriority } from 'node:os';
import WebSocket from 'ws';
import { StreamClient } from '../../src/client/index.js';
import { Histogram } from '../harness/histogram.js';

export type ToClients =
  | { readonly type: 'start'; readonly url: string; readonly token: string; readonly n: number; readonly mode: 'latest' | 'every'; readonly broker: string }
  | { readonly type: 'report' }
  | { readonly type: 'stop' };

export type FromClients =
  | { readonly type: 'ready'; readonly ms: number }
  | { readonly type: 'report'; readonly ticks: number; readonly dropped: number; readonly fills: number; readonly counts: number[]; readonly cpuS: number }
  | { readonly type: 'error'; readonly message: string };

const send = (m: FromClients): void => void process.send?.(m);

// The clients stand for a team's screens and programs on OTHER machines: on the bench's one box they
// run at the lowest priority so they take CPU the pipeline leaves over, as remote clients would take
// none. Their own lag then shows in their latency figures, not in the pipeline's throughput.
setPriority(19);
const clients: StreamClient[] = [];
let releaseToClient = new Histogram();
let ticks = 0;
let dropped = 0;
let fills = 0;
let cpu0 = process.cpuUsage();

/** One client, resolved once its subscriptions are in effect (the pong of a ping sent after them). */
function open(url: string, token: string, mode: 'latest' | 'every', broker: string, id: number): Promise<StreamClient> {
  return new Promise((resolve) => {
    const c = new StreamClient({ url, token, WebSocket, backoff: { initialMs: 200, maxMs: 2000 } });
    c.on('ticks', (e) => (ticks += e.ticks.length));
    c.on('dropped', (e) => (dropped += e.count));
    c.on('event', (e) => {
      if (e.stream !== `${broker}.orders.filled`) return;
      fills++;
      const ts = (e.data as { ts?: unknown } | null)?.ts;
      if (typeof ts === 'number') releaseToClient.record((Date.now() - ts) * 1e6);
    });
    c.on('open', () => c.ping(`ready-${id}`));
    c.on('pong', () => resolve(c));
    c.subscribe(['market.ticks'], { mode });
    c.subscribe([`${broker}.orders.filled`, `${broker}.pnl.snapshots`]);
    c.connect();
  });
}

async function start(m: Extract<ToClients, { type: 'start' }>): Promise<void> {
  const t0 = performance.now();
  // In batches: a thousand simultaneous handshakes would only queue in the kernel anyway
  for (let i = 0; i < m.n; i += 50) {
    const k = Math.min(50, m.n - i);
    clients.push(...(await Promise.all(Array.from({ length: k }, (_, j) => open(m.url, m.token, m.mode, m.broker, i + j)))));
  }
  ticks = 0;
  dropped = 0;
  fills = 0;
  releaseToClient = new Histogram();
  cpu0 = process.cpuUsage();
  send({ type: 'ready', ms: performance.now() - t0 });
}

process.on('disconnect', () => process.exit(0));
process.on('message', (m: ToClients) => {
  if (m.type === 'start') {
    start(m).catch((e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
    return;
  }
  if (m.type === 'stop') {
    for (const cl of clients) cl.close();
    setTimeout(() => process.exit(0), 50);
    return;
  }
  const c = process.cpuUsage(cpu0);
  send({ type: 'report', ticks, dropped, fills, counts: Array.from(releaseToClient.counts), cpuS: (c.user + c.system) / 1e6 });
  ticks = 0;
  dropped = 0;
  fills = 0;
  releaseToClient = new Histogram();
  cpu0 = process.cpuUsage();
});
