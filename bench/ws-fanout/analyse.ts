// Numbers derived from ws-fanout sessions: per phase (delivered msgs/s, msgs per server CPU-second
// gross and net of the injector's own CPU, latency summaries) and per session (median over the
// measured phases; the paused-reader p99 shift against the two bracketing baselines).
import { spread, type Spread } from '../harness/format.js';
import { Histogram, type LatencySummary } from '../harness/histogram.js';
import type { ServerKind } from './protocol.js';
import type { PhaseLabel, SessionResult, Transport } from './session.js';

export interface PhaseNumbers {
  readonly label: PhaseLabel;
  readonly ticks: number;
  readonly subscribers: number;
  readonly deliveries: number;
  readonly expected: number;
  readonly gaps: number;
  readonly deliveredPerS: number;
  readonly serverCpuMs: number;
  readonly serverUserMs: number;
  readonly serverSysMs: number;
  /** Server CPU per delivered message, user and system, µs. */
  readonly userUsPerMsg: number;
  readonly sysUsPerMsg: number;
  /** Deliveries ÷ server CPU-seconds (the G8 metric). */
  readonly msgsPerCpuS: number;
  /** Same, after subtracting the idle phase's CPU per tick (timer + frame encode, no subscribers). */
  readonly netMsgsPerCpuS: number;
  readonly inLat: LatencySummary;
  /** tick-in → received of the probe alone (one reader in a process of its own; empty for N = 1). */
  readonly probeLat: LatencySummary;
  readonly schedLat: LatencySummary;
  readonly fanoutCall: LatencySummary;
  readonly clientCpuPct: number;
  readonly otherLoad: number | null;
  readonly lateTicks: number;
  readonly gcCount: number;
  readonly gcMs: number;
  readonly slowBuffered: number | null;
  readonly slowSkips: number | null;
  readonly slowDeliveries: number;
}

export interface SessionNumbers {
  readonly kind: ServerKind;
  readonly n: number;
  readonly rate: number;
  readonly transport: Transport;
  readonly impl: string;
  readonly error: string | null;
  readonly connectMs: number;
  /** Idle (no subscribers) server CPU per tick, µs. */
  readonly idleCpuUsPerTick: number;
  readonly phases: readonly PhaseNumbers[];
  readonly msgsPerCpuS: Spread;
  readonly netMsgsPerCpuS: Spread;
  readonly deliveredPerS: Spread;
  /** p99 tick-in → received: paused phase ÷ mean of the two baselines − 1 (NaN when missing). */
  readonly slowShift: number;
  /** |B1 − B2| ÷ their mean: the run-to-run noise of the same p99. */
  readonly baselineNoise: number;
  /** Same shift for p50. */
  readonly slowShiftP50: number;
}

const lat = (counts: readonly number[] | undefined): LatencySummary => new Histogram(Float64Array.from(counts ?? [])).summary();

/** Derives the reported numbers of one session. */
export function analyse(s: SessionResult): SessionNumbers {
  const idle = s.phases.find((p) => p.label === 'idle');
  const idleCpuUsPerTick = idle === undefined ? 0 : (idle.server.cpu.userUs + idle.server.cpu.systemUs) / Math.max(1, idle.server.ticksMeasured);
  const phases: PhaseNumbers[] = s.phases
    .filter((p) => p.label !== 'idle')
    .map((p) => {
      const sv = p.server;
      const c = p.client;
      const cpuUs = sv.cpu.userUs + sv.cpu.systemUs;
      const deliveries = c?.deliveries ?? 0;
      const normal = p.label === 'P' ? sv.subscribers - 1 : sv.subscribers;
      return {
        label: p.label,
        ticks: sv.ticksMeasured,
        subscribers: sv.subscribers,
        deliveries,
        expected: sv.ticksMeasured * normal,
        gaps: c?.gaps ?? 0,
        deliveredPerS: deliveries / (sv.wallMs / 1000),
        serverCpuMs: cpuUs / 1000,
        serverUserMs: sv.cpu.userUs / 1000,
        serverSysMs: sv.cpu.systemUs / 1000,
        userUsPerMsg: sv.cpu.userUs / deliveries,
        sysUsPerMsg: sv.cpu.systemUs / deliveries,
        msgsPerCpuS: deliveries / (cpuUs / 1e6),
        netMsgsPerCpuS: deliveries / (Math.max(1, cpuUs - idleCpuUsPerTick * sv.ticksMeasured) / 1e6),
        inLat: lat(c?.inCounts),
        probeLat: lat(p.probe?.inCounts),
        schedLat: lat(c?.schedCounts),
        fanoutCall: lat(sv.fanoutCounts),
        clientCpuPct: c === null ? Number.NaN : ((c.cpu.userUs + c.cpu.systemUs) / 1000 / c.cpuWallMs) * 100,
        otherLoad: p.otherLoad,
        lateTicks: sv.lateTicks,
        gcCount: sv.gc.count,
        gcMs: sv.gc.totalMs,
        slowBuffered: sv.slow?.buffered ?? null,
        slowSkips: sv.slow?.skips ?? null,
        slowDeliveries: c?.slowDeliveries ?? 0,
      };
    });
  const get = (l: PhaseLabel): PhaseNumbers | undefined => phases.find((p) => p.label === l);
  const b1 = get('B1')?.inLat.p99Ns ?? Number.NaN;
  const b2 = get('B2')?.inLat.p99Ns ?? Number.NaN;
  const pp = get('P')?.inLat.p99Ns ?? Number.NaN;
  const base = (b1 + b2) / 2;
  const m1 = get('B1')?.inLat.p50Ns ?? Number.NaN;
  const m2 = get('B2')?.inLat.p50Ns ?? Number.NaN;
  const mp = get('P')?.inLat.p50Ns ?? Number.NaN;
  return {
    kind: s.plan.kind,
    n: s.plan.n,
    rate: s.plan.rate,
    transport: s.plan.transport ?? 'tcp',
    impl: s.impl,
    error: s.error,
    connectMs: s.connectMs,
    idleCpuUsPerTick,
    phases,
    msgsPerCpuS: spread(phases.map((p) => p.msgsPerCpuS)),
    netMsgsPerCpuS: spread(phases.map((p) => p.netMsgsPerCpuS)),
    deliveredPerS: spread(phases.map((p) => p.deliveredPerS)),
    slowShift: pp / base - 1,
    baselineNoise: Math.abs(b1 - b2) / base,
    slowShiftP50: mp / ((m1 + m2) / 2) - 1,
  };
}
