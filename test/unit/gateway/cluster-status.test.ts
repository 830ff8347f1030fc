// A cluster node's link to NATS as clients see it: the status view's `cluster` (from the bridge's
// snapshot), the /metrics gauges copied from it, and the dashboard's one-line summary.
import { describe, expect, it } from 'vitest';
import { viewStatus } from '../../../src/gateway/status-view.js';
import { GatewayMetrics } from '../../../src/gateway/metrics.js';
// @ts-expect-error: a browser module of the dashboard (plain JS, no declarations)
import { clusterSummary } from '../../../src/gateway/web/format.js';

/** What actors/nats-bridge.actor.ts snapshots. */
const bridge = {
  node: 'B',
  nats: { connected: false, disconnects: 2, reconnects: 1, server: '10.0.0.5:4222' },
  inbound: [
    { topic: 'market.ticks', stream: 'ALPHA_market_ticks', durable: 'B_market_ticks', nextStreamSeq: 101, lag: 7, ackPending: 3, received: 100, written: 100, redelivered: 4, gaps: 0, acked: 97, invalid: 0 },
    { topic: 'paper.signals.raw', stream: 'ALPHA_paper_signals_raw', durable: 'B_paper_signals_raw', nextStreamSeq: 11, lag: 1, ackPending: 0, received: 10, written: 10, redelivered: 0, gaps: 1, acked: 10, invalid: 0 },
  ],
  outbound: [{ topic: 'paper.orders.filled', backlog: 5, inFlight: 2, published: 30, stored: 25, duplicates: 1, retries: 3, unknownTicks: 0 }],
  mirrors: { in: {}, out: { 'trading-core-paper': 12 } },
};

describe('cluster status', () => {
  it('maps the bridge snapshot into the status view, and is null for one process', () => {
    const view = viewStatus({ tree: { kind: 'supervisor', name: 'root', state: 'running', children: [] }, cluster: bridge }, 0);
    expect(view.cluster).toEqual({
      node: 'B',
      connected: false,
      server: '10.0.0.5:4222',
      disconnects: 2,
      reconnects: 1,
      consumers: [
        { topic: 'market.ticks', durable: 'B_market_ticks', lag: 7, redelivered: 4, ackPending: 3, written: 100, gaps: 0 },
        { topic: 'paper.signals.raw', durable: 'B_paper_signals_raw', lag: 1, redelivered: 0, ackPending: 0, written: 10, gaps: 1 },
      ],
      publishers: [{ topic: 'paper.orders.filled', backlog: 5, inFlight: 2, stored: 25, duplicates: 1, retries: 3 }],
    });
    expect(viewStatus({ tree: { kind: 'supervisor', name: 'root', state: 'running', children: [] }, cluster: null }, 0).cluster).toBeNull();
    expect(viewStatus({ cluster: { nats: {} } }, 0).cluster).toBeNull();
  });

  it('copies it into the /metrics gauges', async () => {
    const m = new GatewayMetrics();
    m.fromStatus(viewStatus({ cluster: bridge }, 0));
    const text = (await m.exposition()).body;
    expect(text).toContain('alpha_cluster_connected{node="B"} 0');
    expect(text).toContain('alpha_cluster_consumer_lag{node="B",topic="market.ticks"} 7');
    expect(text).toContain('alpha_cluster_consumer_redelivered{node="B",topic="market.ticks"} 4');
    expect(text).toContain('alpha_cluster_publish_backlog{node="B",topic="paper.orders.filled"} 5');
    expect(text).toContain('alpha_cluster_publish_retries{node="B",topic="paper.orders.filled"} 3');
  });

  it('sums it into one line for the dashboard', () => {
    const view = viewStatus({ cluster: bridge }, 0);
    expect(clusterSummary(view.cluster)).toBe('node B: NATS RECONNECTING · lag 8 · backlog 5 · 4 redelivered');
    expect(clusterSummary({ ...view.cluster, connected: true })).toContain('NATS connected');
    expect(clusterSummary(null)).toBe('');
  });
});
