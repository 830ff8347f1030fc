import { describe, expect, it } from 'vitest';
import { defaultConfig, type AppConfig } from '../../../src/config.js';
import { MonitorCore, monitorSettings } from '../../../src/services/pipeline-monitor/core.js';
import { monitoredTopics } from '../../../src/services/pipeline-monitor/topics.js';
import { countStrategies, strategyCountsFromText } from '../../../src/services/pipeline-monitor/strategy-counts.js';
import { decodeHistoryArg } from '../../../src/protocol/pipeline-monitor.js';
import { istMidnightMs, clockMs } from '../../../src/domain/market-hours/index.js';

function config(over: { market24x7?: boolean; grace?: number } = {}): AppConfig {
  const base = defaultConfig();
  return {
    ...base,
    feed: { ...base.feed, market24x7: over.market24x7 ?? true },
    monitor: { ...base.monitor, startupGraceMs: over.grace ?? 1000, marketDataLatencyThresholdMs: 500 },
  };
}

describe('MonitorCore', () => {
  it('moves from startup to a graded status and reads market data from the shared counter', () => {
    const t0 = istMidnightMs(2024, 1, 3) + clockMs(10, 0); // a Wednesday, session open
    const core = new MonitorCore(monitorSettings(config(), ['paper', 'zerodha'], t0, { paper: 1, zerodha: 0 }));
    expect(core.latest()).toBeUndefined();
    expect(core.evaluate(t0 + 10, {}).brokers['paper']!.validation.overall).toBe('startup');
    core.book.recordTicks(t0 + 1900);
    core.book.record('paper', 'signals', t0 + 1950);
    const s = core.evaluate(t0 + 2000, {});
    // Signals flow but nothing was validated yet: no orders owed, so the pipeline is idle, not late
    expect(s.brokers['paper']!.validation.overall).toBe('idle');
    expect(s.brokers['paper']!.validation.stages.order_execution?.skipped).toBe('idle');
    // zerodha has no strategies: no signals is fine, market data comes from the shared stage
    expect(s.brokers['zerodha']!.validation.overall).toBe('idle');
    expect(s.brokers['zerodha']!.validation.stages.market_data?.healthy).toBe(true);
    expect(s.brokers['paper']!.metrics.market_ticks.count).toBe(1);
    expect(s.brokers['paper']!.metrics.signals.count).toBe(1);
    expect(s.brokers['zerodha']!.metrics.signals.count).toBe(0);
    expect(s.overallHealthy).toBe(true);
    expect(core.latest()).toBe(s);
    // A validated signal answered by an order within the thresholds: healthy
    core.book.recordTopic('paper', 'signals.raw', t0 + 1960);
    core.book.recordTopic('paper', 'signals.validated', t0 + 1970);
    core.book.recordTopic('paper', 'orders.submitted', t0 + 1980);
    expect(core.evaluate(t0 + 2000, {}).brokers['paper']!.validation.overall).toBe('healthy');
    // 600 ms later the market data is older than the configured 500 ms
    expect(core.evaluate(t0 + 2500, {}).brokers['paper']!.validation.stages.market_data?.healthy).toBe(false);
  });

  it('is idle outside market hours when not 24x7, and treats idle as healthy enough', () => {
    const sunday = istMidnightMs(2024, 1, 7) + clockMs(11, 0);
    const core = new MonitorCore(monitorSettings(config({ market24x7: false, grace: 0 }), ['paper'], sunday, { paper: 1 }));
    const s = core.evaluate(sunday + 1, {});
    expect(s.brokers['paper']!.validation.overall).toBe('idle');
    expect(s.brokers['paper']!.marketStatus).toBe('weekend');
    expect(s.overallHealthy).toBe(true);
  });

  it('attaches only the broker rings and the tick ring to each broker', () => {
    const ring = { published: 1, capacity: 8, consumerNames: ['x'], consumers: [{ index: 0, attached: true, lossy: false, lag: 0, dropped: 0 }] };
    const core = new MonitorCore(monitorSettings(config(), ['paper'], 0, undefined));
    const s = core.evaluate(10, { 'market.ticks': ring, 'paper.signals.raw': ring, 'zerodha.signals.raw': ring });
    expect(s.brokers['paper']!.rings.map((r) => r.topic)).toEqual(['market.ticks', 'paper.signals.raw']);
    expect(s.brokers['paper']!.strategies).toBeNull();
  });
});

describe('monitor glue', () => {
  it('lists every per-broker topic with its stage', () => {
    const t = monitoredTopics(['paper']);
    expect(t).toHaveLength(7);
    expect(t.find((x) => x.topic === 'paper.orders.failed')?.stage).toBe('orders');
    expect(monitoredTopics(['paper', 'zerodha'])).toHaveLength(14);
  });

  it('counts enabled strategies per broker from YAML or JSON; unparsable text gives unknown', () => {
    const yaml = `version: 1
strategies:
  - { id: a, type: momentum, broker: paper, instruments: [1], params: { lookback_periods: 5, threshold: 0.01, position_size: 1 } }
  - { id: b, type: momentum, broker: paper, enabled: false, instruments: [1], params: { lookback_periods: 5, threshold: 0.01, position_size: 1 } }
`;
    expect(strategyCountsFromText(yaml, 's.yaml', ['paper', 'zerodha'])).toEqual({ paper: 1, zerodha: 0 });
    expect(strategyCountsFromText('strategies: [ {', 's.yaml', ['paper'])).toBeUndefined();
    expect(strategyCountsFromText('nonsense: 1', 's.yaml', ['paper'])).toBeUndefined();
    expect(strategyCountsFromText('{"strategies": []}', 's.json', ['zerodha'])).toEqual({ zerodha: 0 });
    expect(countStrategies([], ['paper'])).toEqual({ paper: 0 });
  });

  it('decodes history arguments with a clamped limit', () => {
    expect(decodeHistoryArg(undefined, 100)).toEqual({ limit: 50 });
    expect(decodeHistoryArg({ broker: 'paper', limit: 5 }, 100)).toEqual({ broker: 'paper', limit: 5 });
    expect(decodeHistoryArg({ limit: 1e9 }, 100)).toEqual({ limit: 100 });
    expect(decodeHistoryArg({ limit: -3 }, 100)).toEqual({ limit: 1 });
    expect(decodeHistoryArg({ limit: 'x', broker: 7 }, 100)).toEqual({ limit: 50 });
  });
});
