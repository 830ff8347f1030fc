// A replay is a job (feed.replayExit): the main job waits until the market feed has consumed the
// file and the pipeline has drained, so that its summary covers every tick of the file, then exits.
//
// Drained means, on two consecutive polls: the feed reports the replay complete, every attached
// ring consumer has lag 0, each trading core has completed a checkpoint after that (so everything it
// decided is committed and published), and the pipeline counts did not move between the polls.
// Events in flight between actors are either in a ring (lag > 0) or inside a handler that has not
// returned (counts still moving), so two quiet polls in a row leave nothing unaccounted for.
import { isAbsolute, resolve } from 'node:path';
import type { RootDatabase } from 'lmdb';
import type { RemoteActor } from './requests.js';
import type { AppConfig } from '../src/config.js';
import type { Broker } from '../src/domain/types.js';
import { columnTicks } from '../src/backtest/index.js';
import { replayRun } from '../src/backtest/replay-report.js';
import { buildReport, summaryText, type BacktestReport } from '../src/backtest/report/index.js';
import { lastFillSeq } from '../src/services/engine/queries.js';
import { readFillsAfter } from '../src/services/portfolio/fill-log.js';
import { readStrategiesFile } from '../src/services/strategy/load.js';
import { readTickFile } from './sweep.js';
import type { MarketFeedSnapshot } from '../src/protocol/market-feed.js';
import { hasTradingCore, tradingActorName } from '../src/protocol/actors.js';
import type { ActorSystem } from '../src/runtime/system.js';
import type { RingStats } from '../src/transport/ring.js';
import { tradingBrokers } from './tree.js';
import { tradingCounts, type PipelineCounts } from './summary.js';

/** Where each trading broker's fill log stands before the job runs: its report covers what follows. */
export function fillLogMarks(db: RootDatabase, config: AppConfig): ReadonlyMap<Broker, number> {
  return new Map(tradingBrokers(config).map((b) => [b, lastFillSeq(db, b)]));
}

/** One broker's report of a finished replay job. */
export interface ReplayReport {
  readonly broker: Broker;
  readonly report: BacktestReport;
  /** The backtest's terminal summary of it. */
  readonly text: string;
}

/**
 * The backtest report of each broker that ran strategies in this job: the fills the actors
 * committed after `marks`, folded into the replayed file's ticks (src/backtest/replay-report.ts).
 */
export async function replayReports(db: RootDatabase, config: AppConfig, marks: ReadonlyMap<Broker, number>): Promise<ReplayReport[]> {
  const file = config.feed.replayFile;
  if (file === undefined) return [];
  const strategiesFile = isAbsolute(config.strategies.file) ? config.strategies.file : resolve(process.cwd(), config.strategies.file);
  const loaded = readStrategiesFile(strategiesFile);
  // The strategy runner refused a bad file at start, so the job could not have run without a good one
  const configs = loaded.ok ? loaded.value : [];
  const ticks = (await readTickFile(file)).columns;
  const out: ReplayReport[] = [];
  for (const [broker, mark] of marks) {
    const strategies = configs.filter((c) => c.enabled && c.broker === broker).map((c) => c.id);
    if (strategies.length === 0) continue;
    const cash = broker === 'zerodha' ? config.zerodha.startingCash : config.paper.startingCash;
    const run = replayRun({
      broker,
      ticks: { [Symbol.iterator]: () => columnTicks(ticks, 0, ticks.length) },
      tickCount: ticks.length,
      fills: readFillsAfter(db, broker, mark),
      strategies,
      startingCash: Math.round(cash * 100),
    });
    const report = buildReport(run, { ticks: file, from: null, to: null, riskCaps: true });
    out.push({ broker, report, text: summaryText(report) });
  }
  return out;
}

/** True when the main job should exit after a replay (unset: every replay is a job). */
export function replayIsJob(config: AppConfig): boolean {
  return config.feed.source === 'replay' && (config.feed.replayExit ?? true);
}

const ringsIdle = (rings: Readonly<Record<string, RingStats>>): boolean =>
  Object.values(rings).every((r) => r.consumers.every((c) => !c.attached || c.lag === 0));

/**
 * The pipeline counts of the running topology (what the summary line shows); on a cluster node,
 * the actors placed on other nodes are asked through `remote`.
 */
export function pipelineCounts(system: ActorSystem, config: AppConfig, remote?: RemoteActor): Promise<PipelineCounts> {
  const snap = (actor: string): Promise<unknown> => {
    const local = system.actor(actor);
    if (local === undefined) return remote?.(actor)?.('actor-snapshot', { actor }).catch(() => undefined) ?? Promise.resolve(undefined);
    return local.control()?.snapshot().catch(() => undefined) ?? Promise.resolve(undefined);
  };
  const brokers = tradingBrokers(config);
  return tradingCounts(snap, config.runtime.topology, brokers);
}

/**
 * Resolves once the replay is consumed and the pipeline drained (see the file comment), polling
 * every `pollMs`; never resolves if `stop` resolves first (the caller races both).
 */
export async function replayDrained(system: ActorSystem, config: AppConfig, pollMs = 250): Promise<void> {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  let previous: string | undefined;
  for (;;) {
    await sleep(pollMs);
    const feed = (await system.actor('market-feed')?.control()?.snapshot().catch(() => undefined)) as MarketFeedSnapshot | undefined;
    if (feed?.replay?.complete !== true || !ringsIdle(system.ringStats())) {
      previous = undefined;
      continue;
    }
    const topology = config.runtime.topology;
    await Promise.all(
      tradingBrokers(config)
        .filter((b) => topology === 'fused' || hasTradingCore(b))
        .map((b) => system.actor(tradingActorName(topology, 'engine', b))?.control()?.call('checkpoint', null).catch(() => undefined)),
    );
    const now = JSON.stringify(await pipelineCounts(system, config));
    if (now === previous && ringsIdle(system.ringStats())) return;
    previous = now;
  }
}
