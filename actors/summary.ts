// The main job's one-line summary: rates and counts from ring counters (cheap, main thread only)
// plus equity from the portfolio manager.
import type { RingStats } from '../src/transport/ring.js';
import type { SupervisorStatus } from '../src/runtime/supervisor.js';

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

/** Counts of the split topology: the runner, the risk manager and each broker's engine. */
export async function splitCounts(snap: Snap, brokers: readonly string[]): Promise<PipelineCounts> {
  const [runner, risk, ...engines] = await Promise.all([snap('strategy-runner'), snap('risk-manager'), ...brokers.map((b) => snap(`trading-engine-${b}`))]);
  const r = risk as { counts?: { validated?: number; rejected?: number } } | undefined;
  const e = engines as Published[];
  return {
    signals: (runner as { signalsPublished?: number } | undefined)?.signalsPublished ?? 0,
    validated: r?.counts?.validated ?? 0,
    rejected: r?.counts?.rejected ?? 0,
    fills: sum(e, 'orders.filled'),
    failed: sum(e, 'orders.failed'),
  };
}

/** Counts of the fused topology: one trading core per broker. */
export async function fusedCounts(snaps: readonly Promise<unknown>[]): Promise<PipelineCounts> {
  const cores = (await Promise.all(snaps)) as ({ signals?: number; validated?: number; rejected?: number } & Published)[];
  const add = (k: 'signals' | 'validated' | 'rejected'): number => cores.reduce((a, c) => a + (c?.[k] ?? 0), 0);
  return { signals: add('signals'), validated: add('validated'), rejected: add('rejected'), fills: sum(cores, 'orders.filled'), failed: sum(cores, 'orders.failed') };
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
