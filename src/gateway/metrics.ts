// Prometheus metrics of the gateway process (prom-client, own registry). Two sources: what the
// gateway itself sees (stream records, connections, messages, errors, HTTP latency) and the main
// thread's status reply (ring counters per topic and consumer, restarts and generation per actor),
// copied into gauges when /metrics is scraped or the status poll runs.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { parseTopic } from '../protocol/topics.js';
import type { StatusView } from './status-view.js';
import type { SessionCounters } from './ws-session.js';

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Every metric the gateway exposes, in its own registry (never prom-client's global one). */
export class GatewayMetrics implements SessionCounters {
  readonly registry = new Registry();
  private readonly topicPublished: Gauge;
  private readonly signals: Gauge;
  private readonly orders: Gauge;
  private readonly fills: Gauge;
  private readonly ringLag: Gauge;
  private readonly ringDropped: Gauge;
  private readonly actorRestarts: Gauge;
  private readonly actorGen: Gauge;
  private readonly actorUp: Gauge;
  private readonly streamTicks: Counter;
  private readonly streamEvents: Counter;
  private readonly bridgeDropped: Counter;
  readonly connections: Gauge;
  private readonly wsReceived: Counter;
  private readonly wsSent: Counter;
  private readonly wsSentBytes: Counter;
  private readonly wsCoalesced: Counter;
  private readonly wsEveryDropped: Counter;
  private readonly wsClosed: Counter;
  private readonly errors: Counter;
  private readonly httpDuration: Histogram;
  private readonly clusterConnected: Gauge;
  private readonly clusterLag: Gauge;
  private readonly clusterRedelivered: Gauge;
  private readonly clusterBacklog: Gauge;
  private readonly clusterRetries: Gauge;

  constructor() {
    const r = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'alpha_gateway_process_' });
    this.topicPublished = new Gauge({ name: 'alpha_topic_published', help: 'Records published on each topic ring since the run started', labelNames: ['topic'], registers: r });
    this.signals = new Gauge({ name: 'alpha_signals', help: 'Signals per broker and stage (raw, validated, rejected) since the run started', labelNames: ['broker', 'stage'], registers: r });
    this.orders = new Gauge({ name: 'alpha_orders', help: 'Order events per broker (submitted, filled, failed) since the run started', labelNames: ['broker', 'event'], registers: r });
    this.fills = new Gauge({ name: 'alpha_fills', help: 'Fill events per broker since the run started', labelNames: ['broker'], registers: r });
    this.ringLag = new Gauge({ name: 'alpha_ring_consumer_lag', help: 'Records a ring consumer is behind its producer', labelNames: ['topic', 'consumer'], registers: r });
    this.ringDropped = new Gauge({ name: 'alpha_ring_consumer_dropped', help: 'Records a lossy ring consumer missed (lapped)', labelNames: ['topic', 'consumer'], registers: r });
    this.actorRestarts = new Gauge({ name: 'alpha_actor_restarts', help: 'Restarts of each actor or supervisor', labelNames: ['actor'], registers: r });
    this.actorGen = new Gauge({ name: 'alpha_actor_generation', help: 'Current incarnation number of each actor', labelNames: ['actor'], registers: r });
    this.actorUp = new Gauge({ name: 'alpha_actor_running', help: '1 when the actor or supervisor is running', labelNames: ['actor'], registers: r });
    this.streamTicks = new Counter({ name: 'alpha_gateway_stream_ticks_total', help: 'Ticks received from the stream tap (every tick, in publish order)', registers: r });
    this.streamEvents = new Counter({ name: 'alpha_gateway_stream_events_total', help: 'Events received from the stream bridge', labelNames: ['topic'], registers: r });
    this.bridgeDropped = new Counter({ name: 'alpha_gateway_bridge_dropped_total', help: 'Records the stream tap could not forward (ring laps, frames skipped for a slow gateway)', labelNames: ['topic'], registers: r });
    this.connections = new Gauge({ name: 'alpha_gateway_ws_connections', help: 'Open WebSocket connections', registers: r });
    this.wsReceived = new Counter({ name: 'alpha_gateway_ws_messages_received_total', help: 'WebSocket messages received from clients', registers: r });
    this.wsSent = new Counter({ name: 'alpha_gateway_ws_messages_sent_total', help: 'WebSocket messages sent', labelNames: ['kind'], registers: r });
    this.wsSentBytes = new Counter({ name: 'alpha_gateway_ws_sent_bytes_total', help: 'WebSocket payload bytes sent', labelNames: ['kind'], registers: r });
    this.wsCoalesced = new Counter({ name: 'alpha_gateway_ws_coalesced_ticks_total', help: 'Ticks replaced by a newer one for a backpressured client', registers: r });
    this.wsEveryDropped = new Counter({ name: 'alpha_gateway_ws_every_dropped_ticks_total', help: 'Ticks an every-mode client missed because its bounded buffer was full (reported to it as dropped)', registers: r });
    this.wsClosed = new Counter({ name: 'alpha_gateway_ws_closed_total', help: 'WebSocket connections closed, by close code', labelNames: ['code'], registers: r });
    this.clusterConnected = new Gauge({ name: 'alpha_cluster_connected', help: '1 while this cluster node is connected to NATS', labelNames: ['node'], registers: r });
    this.clusterLag = new Gauge({ name: 'alpha_cluster_consumer_lag', help: 'Messages a stream holds that this node has not yet received', labelNames: ['node', 'topic'], registers: r });
    this.clusterRedelivered = new Gauge({ name: 'alpha_cluster_consumer_redelivered', help: 'Messages the server delivered again (skipped by the bridge)', labelNames: ['node', 'topic'], registers: r });
    this.clusterBacklog = new Gauge({ name: 'alpha_cluster_publish_backlog', help: 'Records waiting to be stored in their stream', labelNames: ['node', 'topic'], registers: r });
    this.clusterRetries = new Gauge({ name: 'alpha_cluster_publish_retries', help: 'Resends after a failed publish', labelNames: ['node', 'topic'], registers: r });
    this.errors = new Counter({ name: 'alpha_gateway_errors_total', help: 'Client-facing errors by catalogued code', labelNames: ['code'], registers: r });
    this.httpDuration = new Histogram({
      name: 'alpha_gateway_http_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    });
  }

  sent(kind: 'ticks' | 'event' | 'control', bytes: number): void {
    this.wsSent.inc({ kind });
    this.wsSentBytes.inc({ kind }, bytes);
  }

  /** `messages` sends of one published message (`bytes` in total). */
  sentMany(kind: 'ticks' | 'event' | 'control', messages: number, bytes: number): void {
    this.wsSent.inc({ kind }, messages);
    this.wsSentBytes.inc({ kind }, bytes);
  }

  coalesced(ticks: number): void {
    this.wsCoalesced.inc(ticks);
  }

  everyDropped(ticks: number): void {
    this.wsEveryDropped.inc(ticks);
  }

  error(code: string): void {
    this.errors.inc({ code });
  }

  received(): void {
    this.wsReceived.inc();
  }

  closed(code: number): void {
    this.wsClosed.inc({ code: String(code) });
  }

  http(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method, status: String(status) }, seconds);
  }

  /** Counts one bridge batch. */
  batch(ticks: number, events: readonly { readonly topic: string }[], dropped: Readonly<Record<string, number>>): void {
    if (ticks > 0) this.streamTicks.inc(ticks);
    for (const e of events) this.streamEvents.inc({ topic: e.topic });
    for (const [topic, n] of Object.entries(dropped)) this.bridgeDropped.inc({ topic }, n);
  }

  /** Copies ring and actor counters of a status view into the gauges. */
  fromStatus(view: StatusView): void {
    for (const [topic, raw] of Object.entries(view.rings)) {
      const ring = rec(raw);
      const published = num(ring['published']);
      this.topicPublished.set({ topic }, published);
      const info = parseTopic(topic);
      if (info.ok && info.value.kind === 'broker') {
        const [domain, event] = info.value.suffix.split('.') as [string, string];
        const broker = info.value.broker;
        if (domain === 'signals') this.signals.set({ broker, stage: event }, published);
        else if (domain === 'orders') this.orders.set({ broker, event }, published);
        if (info.value.suffix === 'orders.filled') this.fills.set({ broker }, published);
      }
      const names = Array.isArray(ring['consumerNames']) ? (ring['consumerNames'] as unknown[]) : [];
      const consumers = Array.isArray(ring['consumers']) ? (ring['consumers'] as unknown[]) : [];
      for (const c of consumers) {
        const cr = rec(c);
        const idx = num(cr['index']);
        const consumer = typeof names[idx] === 'string' ? (names[idx] as string) : `#${idx}`;
        this.ringLag.set({ topic, consumer }, num(cr['lag']));
        this.ringDropped.set({ topic, consumer }, num(cr['dropped']));
      }
    }
    const c = view.cluster;
    if (c !== null) {
      this.clusterConnected.set({ node: c.node }, c.connected ? 1 : 0);
      for (const i of c.consumers) {
        this.clusterLag.set({ node: c.node, topic: i.topic }, i.lag);
        this.clusterRedelivered.set({ node: c.node, topic: i.topic }, i.redelivered);
      }
      for (const o of c.publishers) {
        this.clusterBacklog.set({ node: c.node, topic: o.topic }, o.backlog);
        this.clusterRetries.set({ node: c.node, topic: o.topic }, o.retries);
      }
    }
    for (const n of view.nodes) {
      this.actorRestarts.set({ actor: n.name }, n.restarts);
      this.actorUp.set({ actor: n.name }, n.state === 'running' ? 1 : 0);
      if (n.gen !== null) this.actorGen.set({ actor: n.name }, n.gen);
    }
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
