// Pipeline monitor actor (docs/original-system.md §1.9, §9.5, §9.10): counts every stage from LOSSY
// subscriptions (it never slows the pipeline), reads ring lag/drops, and every monitor.intervalMs
// validates each broker with the original's logic (quirks fixed) and appends a health record to LMDB
// with TTL/max retention (seed fix 9). Decisions live in src/domain/monitor; glue in src/services.
import { readFileSync } from 'node:fs';
import type { AppConfig } from '../src/config.js';
import { commandTable, defineActor } from '../src/runtime/actor.js';
import type { Broker } from '../src/domain/types.js';
import type { Envelope } from '../src/protocol/envelope.js';
import { decodeHistoryArg, type MonitorStatus } from '../src/protocol/pipeline-monitor.js';
import { MonitorCore, monitorSettings } from '../src/services/pipeline-monitor/core.js';
import { HealthHistoryStore } from '../src/services/pipeline-monitor/history-store.js';
import { monitoredTopics } from '../src/services/pipeline-monitor/topics.js';
import { strategyCountsFromText } from '../src/services/pipeline-monitor/strategy-counts.js';
import { BROKER_STAGES, type BrokerStage, type HealthRecord } from '../src/domain/monitor/index.js';
import { appError } from '../src/errors.js';
import { subscribeTicks } from '../src/services/feed/tick-channel.js';

interface Args {
  brokers?: Broker[];
  /** Enabled strategies per broker; when absent they are counted from config.strategies.file. */
  strategyCounts?: Partial<Record<Broker, number>>;
}

export default defineActor<AppConfig>((ctx) => {
  const config = ctx.config;
  const args = ctx.args as Args;
  const brokers: Broker[] = args.brokers ?? ['paper'];
  const db = ctx.store;
  if (db === undefined) throw appError('ERR_STORE_UNAVAILABLE', { path: '(none)', reason: 'pipeline-monitor needs the store' });

  function strategyCounts(): Partial<Record<Broker, number>> | undefined {
    if (args.strategyCounts !== undefined) return args.strategyCounts;
    try {
      const counts = strategyCountsFromText(readFileSync(config.strategies.file, 'utf8'), config.strategies.file, brokers);
      if (counts === undefined) ctx.log.warn({ file: config.strategies.file }, 'strategies file does not parse; strategy counts unknown');
      return counts;
    } catch (e) {
      ctx.log.warn({ file: config.strategies.file, reason: (e as Error).message }, 'strategies file unreadable; strategy counts unknown');
      return undefined;
    }
  }

  const startedAt = ctx.clock.nowMs();
  const core = new MonitorCore(monitorSettings(config, brokers, startedAt, strategyCounts()));
  const book = core.book;
  const history = new HealthHistoryStore(db, ctx.durability, { ttlMs: config.monitor.healthHistoryTtlMs, max: config.monitor.healthHistoryMax });

  // Hot path: one counter bump and one clock read per tick; the decoded tick is not inspected
  const ticks = subscribeTicks(ctx, () => book.recordTicks(ctx.clock.nowMs()));
  const topics = monitoredTopics(brokers).map((t) => ({
    ...t,
    sub: ctx.subscribe<Envelope>(t.topic, (env) => {
      // Watermarks are internal event-time markers, not pipeline activity
      if (env.type === 'watermark') return;
      book.recordTopic(t.broker, t.suffix, typeof env.ts === 'number' ? env.ts : ctx.clock.nowMs());
    }),
  }));

  // Lossy subscriptions skip records under load: fold what they skipped into the counts
  function syncMissed(): void {
    book.setMarketMissed(ticks.stats().dropped);
    for (const broker of brokers) {
      const missed = new Map<BrokerStage, number>(BROKER_STAGES.map((s) => [s, 0]));
      for (const t of topics) if (t.broker === broker) missed.set(t.stage, missed.get(t.stage)! + t.sub.stats().dropped);
      for (const [stage, n] of missed) book.setMissed(broker, stage, n);
    }
  }

  let lastOverall = new Map<string, string>();
  function evaluate(): MonitorStatus {
    syncMissed();
    const now = ctx.clock.nowMs();
    const status = core.evaluate(now, ctx.ringStats());
    const validations = Object.values(status.brokers).map((b) => b.validation);
    void history.append(validations, now);
    const next = new Map<string, string>();
    for (const v of validations) {
      next.set(v.broker, v.overall);
      if (lastOverall.get(v.broker) === v.overall) continue;
      const line = { broker: v.broker, overall: v.overall, bottlenecks: v.bottlenecks };
      if (v.overall === 'degraded' || v.overall === 'critical') ctx.log.error(line, 'pipeline validation failed');
      else if (v.overall === 'warning') ctx.log.warn(line, 'pipeline validation shows warnings');
      else ctx.log.info(line, 'pipeline validation');
    }
    lastOverall = next;
    return status;
  }

  function readHistory(arg: unknown): Record<string, HealthRecord[]> {
    const { broker, limit } = decodeHistoryArg(arg, config.monitor.healthHistoryMax);
    const now = ctx.clock.nowMs();
    const wanted = broker === undefined ? brokers : brokers.filter((b) => b === broker);
    const out: Record<string, HealthRecord[]> = {};
    for (const b of wanted) out[b] = history.read(b, limit, now);
    if (broker !== undefined && wanted.length === 0) out[broker] = [];
    return out;
  }

  const status = (): MonitorStatus => core.latest() ?? evaluate();

  return {
    start() {
      history.load(brokers);
      evaluate();
      ctx.every(config.monitor.intervalMs, evaluate);
    },
    snapshot: status,
    health() {
      const bad = Object.values(status().brokers).filter((b) => b.validation.overall === 'critical');
      return bad.length === 0 ? { status: 'healthy' } : { status: 'degraded', detail: `pipeline critical: ${bad.map((b) => b.broker).join(', ')}` };
    },
    call: commandTable({
      status: () => status(),
      history: (arg) => readHistory(arg),
    }),
  };
});
