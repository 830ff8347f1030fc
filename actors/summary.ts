// The main job's one-line summary: rates and counts from ring counters (cheap, main thread only)
// plus equity from the portfolio manager.
import type { RingStats } from '../src/transport/ring.js';
import type { SupervisorStatus } from '../src/runtime/supervisor.js';
import type { Broker } from '../src/domain/types.js';
import { hasTradingCore, tradingActorName, type Topology } from '../src/protocol/actors.js';

/** Counts taken from the actors themselves (ring counters also carry internal watermarks). */
export interface PipelineCounts {
  readonly signals: number;
  readonly validated: number;
  readonly rejected: number;
  readonly fills: number;
  readonly failed: number;
}

type Snap = (actor: string) => Promise<unknown>;
type Published = { published?: Record<string, number> } | undefined;

const sum = (xs: readonly Published[], topic: string): number => xs.reduce((a, x) => a + (x?.published?.[topic] ?? 0), 0);

/**
 * Counts of the running tree, from the actors that play each role (src/protocol/actors.ts): each
 * broker's trading core, and in the split topology the strategy runner (signals) and, for brokers
 * without a core, the risk manager and their engine.
 */
export async function tradingCounts(snap: Snap, topology: Topology, brokers: readonly Broker[]): Promise<PipelineCounts> {
  const coreBrokers = brokers.filter((b) => topology === 'fused' || hasTradingCore(b));
  const legacy = brokers.filter((b) => !coreBrokers.includes(b));
  type Core = { signals?: number; validated?: number; rejected?: number } & Published;
  const [cores, engines, runner, risk] = await Promise.all([
    Promise.all(coreBrokers.map((b) => snap(tradingActorName(topology, 'engine', b)))) as Promise<Core[]>,
    Promise.all(legacy.map((b) => snap(tradingActorName(topology, 'engine', b)))) as Promise<Published[]>,
    topology === 'split' ? snap('strategy-runner') : undefined,
    legacy.length > 0 ? snap('risk-manager') : undefined,
  ]);
  const add = (k: 'signals' | 'validated' | 'rejected'): number => cores.reduce((a, c) => a + (c?.[k] ?? 0), 0);
  const r = (risk as { counts?: { validated?: number; rejected?: number } } | undefined)?.counts;
  const all = [...cores, ...engines];
  return {
    signals: topology === 'split' ? ((runner as { signalsPublished?: number } | undefined)?.signalsPublished ?? 0) : add('signals'),
    validated: add('validated') + (r?.validated ?? 0),
    rejected: add('rejected') + (r?.rejected ?? 0),
    fills: sum(all, 'orders.filled'),
    failed: sum(all, 'orders.failed'),
  };
}

export interface SummarySample {
  readonly at: number;
  readonly rings: Readonly<Record<string, RingStats>>;
  readonly equity: { readonly equity: number; readonly netPnl: number; readonly divisor: number } | undefined;
  readonly counts: PipelineCounts;
}

function halted(s: SupervisorStatus): string[] {
  const out: string[] = [];
  for (const c of s.children) {
    if (c.kind === 'supervisor') {
      if (c.state === 'halted') out.push(c.name);
      out.push(...halted(c));
    }
  }
  return out;
}

export function summaryLine(prev: SummarySample | undefined, cur: SummarySample, status: SupervisorStatus): string {
  const ticks = cur.rings['market.ticks']?.published ?? 0;
  const dt = prev === undefined ? 0 : (cur.at - prev.at) / 1000;
  const rate = prev === undefined || dt <= 0 ? 0 : (ticks - (prev.rings['market.ticks']?.published ?? 0)) / dt;
  const drops = (cur.rings['market.ticks']?.consumers ?? []).reduce((a, c) => a + c.dropped, 0);
  const money = (v: number, d: number) => (v / d).toFixed(2);
  const eq = cur.equity === undefined ? 'n/a' : `${money(cur.equity.equity, cur.equity.divisor)} (pnl ${money(cur.equity.netPnl, cur.equity.divisor)})`;
  const h = halted(status);
  return [
    `ticks/s ${rate.toFixed(0)}`,
    `ticks ${ticks}`,
    `dropped ${drops}`,
    `signals ${cur.counts.signals}`,
    `validated ${cur.counts.validated}`,
    `rejected ${cur.counts.rejected}`,
    `fills ${cur.counts.fills}`,
    `failed ${cur.counts.failed}`,
    `equity ${eq}`,
    h.length > 0 ? `HALTED ${h.join(',')}` : `tree ${status.state}`,
  ].join(' | ');
}
