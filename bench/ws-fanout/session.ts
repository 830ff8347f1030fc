// One ws-fanout session: a server child of one kind, then a client child with N sockets (N − 1,
// and a probe child with the last one, when N > 1), driven
// through phases: idle (no subscribers: the injector's own CPU), B1 (N readers), P (N readers + one
// paused reader, pre-filled past the soft limit), B2 (paused reader gone). Each phase pairs the
// server's CPU/fan-out report with the client's delivery/latency report and the box's other load
// (from /proc, same interval). Children are stopped in finally, killed if they do not exit.
import { readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { TapFeed } from './feed.js';
import { Child } from './proc.js';
import { TAP_KINDS, type ClientPhaseReport, type FromClient, type FromServer, type ServerKind, type ServerPhaseDone, type ServerReady, type ToClient, type ToServer } from './protocol.js';

export type PhaseLabel = 'idle' | 'B1' | 'P' | 'B2';
export type Transport = 'tcp' | 'unix';

export interface PhasePlan {
  readonly label: PhaseLabel;
  readonly seconds: number;
  /** Leading seconds not measured (warm-up; for P also the time the paused reader sits full). */
  readonly warmupS: number;
}

export interface SessionPlan {
  readonly kind: ServerKind;
  readonly n: number;
  readonly rate: number;
  readonly phases: readonly PhasePlan[];
  /** How clients reach the server: loopback TCP (default) or a Unix-domain socket. */
  readonly transport?: Transport;
  /** Extra server argv (ad-hoc diagnosis, e.g. 'stub-metrics'); the suite passes none. */
  readonly serverArgs?: readonly string[];
}

export interface PhaseResult {
  readonly label: PhaseLabel;
  readonly server: ServerPhaseDone;
  /** All reading clients: the N − 1 of the shared process and the probe, merged. */
  readonly client: ClientPhaseReport | null;
  /** The probe alone: one client in a process of its own (N > 1). */
  readonly probe: ClientPhaseReport | null;
  /** Share (0–1) of all CPUs used by processes other than this suite's three, over the phase. */
  readonly otherLoad: number | null;
}

export interface SessionResult {
  readonly plan: SessionPlan;
  readonly impl: string;
  readonly connectMs: number;
  readonly phases: readonly PhaseResult[];
  readonly error: string | null;
}

const TICK_MS = 10; // USER_HZ

function readTicks(path: string, fields: readonly number[]): number | null {
  try {
    const txt = readFileSync(path, 'utf8');
    // /proc/<pid>/stat: skip "pid (comm)" (comm may hold spaces) before counting fields
    const rest = path.endsWith('/stat') && path !== '/proc/stat' ? txt.slice(txt.lastIndexOf(')') + 2).split(' ') : txt.split('\n')[0]!.trim().split(/\s+/).slice(1);
    return fields.reduce((a, f) => a + Number(rest[f] ?? 0), 0);
  } catch {
    return null;
  }
}

/** Busy CPU ms of the box and of our processes, for the other-load estimate. */
function loadSample(pids: readonly number[]): { busy: number | null; ours: number } {
  const all = readTicks('/proc/stat', [0, 1, 2, 5, 6, 7]); // user nice system irq softirq steal
  let ours = 0;
  for (const pid of pids) ours += (readTicks(`/proc/${pid}/stat`, [11, 12]) ?? 0) * TICK_MS; // utime stime
  const self = process.cpuUsage();
  ours += (self.user + self.system) / 1000;
  return { busy: all === null ? null : all * TICK_MS, ours };
}

const addCounts = (a: readonly number[], b: readonly number[]): number[] => a.map((v, i) => v + (b[i] ?? 0));

/** The shared process's report plus the probe's: deliveries, gaps and latencies of all N readers. */
function mergeReports(a: ClientPhaseReport, p: ClientPhaseReport): ClientPhaseReport {
  return {
    ...a,
    deliveries: a.deliveries + p.deliveries,
    gaps: a.gaps + p.gaps,
    minPerSocket: Math.min(a.minPerSocket, p.minPerSocket),
    maxPerSocket: Math.max(a.maxPerSocket, p.maxPerSocket),
    inCounts: addCounts(a.inCounts, p.inCounts),
    schedCounts: addCounts(a.schedCounts, p.schedCounts),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let phaseSeq = 1;

/** Runs one server kind × N through its phases; never throws (errors land in `error`). */
export async function runSession(plan: SessionPlan, log: (s: string) => void): Promise<SessionResult> {
  const serverUrl = new URL('./server.js', import.meta.url);
  const clientUrl = new URL('./client.js', import.meta.url);
  const tapFed = TAP_KINDS.includes(plan.kind);
  const sockPath = plan.transport === 'unix' ? join(tmpdir(), `alpha-wsf-${process.pid}-${phaseSeq}.sock`) : null;
  const transportArgs = sockPath === null ? [] : [`unix:${sockPath}`];
  const server = new Child<ToServer, FromServer>(serverUrl, [plan.kind, ...transportArgs, ...(plan.serverArgs ?? [])], `${plan.kind} server`, tapFed);
  // Tap-fed kinds: this process plays the runtime's main thread (ring + stream tap → fd 4)
  const feed = tapFed ? new TapFeed(server.proc.stdio[4] as Socket) : null;
  let client: Child<ToClient, FromClient> | null = null;
  // With N > 1, one of the N readers lives in a process of its own: its latency is what one client
  // sees while the others are served, without queueing behind N − 1 sockets of the same process
  let probe: Child<ToClient, FromClient> | null = null;
  const phases: PhaseResult[] = [];
  let impl = '?';
  let connectMs = Number.NaN;
  try {
    const ready = await server.next<ServerReady>('ready', 15_000);
    impl = ready.impl;
    if (server.errText.includes('Falling back')) throw new Error(`uWS fell back to its JS implementation: ${server.errText}`);
    // `ws` clients take ws+unix://<path>:<request path> for a Unix-domain socket
    const url = ready.path === null ? `ws://127.0.0.1:${ready.port}/` : `ws+unix://${ready.path}:/`;
    for (const ph of plan.phases) {
      if (ph.label !== 'idle' && client === null) {
        client = new Child<ToClient, FromClient>(clientUrl, [], 'ws client');
        client.post({ type: 'connect', url, n: plan.n > 1 ? plan.n - 1 : plan.n });
        connectMs = (await client.next<Extract<FromClient, { type: 'connected' }>>('connected', 30_000)).ms;
        if (plan.n > 1) {
          probe = new Child<ToClient, FromClient>(clientUrl, [], 'ws probe client');
          probe.post({ type: 'connect', url, n: 1 });
          await probe.next('connected', 30_000);
        }
        await sleep(100);
      }
      if (ph.label === 'P' && client !== null) {
        client.post({ type: 'slow-open', url });
        await client.next('slow-opened');
        await sleep(50);
      }
      const phase = phaseSeq++;
      const ticks = Math.round(plan.rate * ph.seconds);
      const warmup = Math.round(plan.rate * ph.warmupS);
      const pids = [server.proc.pid ?? 0, client?.proc.pid ?? 0, probe?.proc.pid ?? 0].filter((p) => p > 0);
      const l0 = loadSample(pids);
      const t0 = performance.now();
      server.post({ type: 'phase', phase, rate: plan.rate, ticks, warmup });
      const late = feed?.runPhase(phase, plan.rate, ticks, warmup);
      const served = await server.next<ServerPhaseDone>('phase-done', ph.seconds * 1000 + 20_000);
      const done: ServerPhaseDone = late === undefined ? served : { ...served, lateTicks: await late };
      let report: ClientPhaseReport | null = null;
      let probeReport: ClientPhaseReport | null = null;
      if (client !== null) {
        await sleep(150); // frames still in flight
        client.post({ type: 'report', phase });
        report = await client.next<ClientPhaseReport>('phase-report');
        if (probe !== null) {
          probe.post({ type: 'report', phase });
          probeReport = await probe.next<ClientPhaseReport>('phase-report');
          report = mergeReports(report, probeReport);
        }
      }
      const l1 = loadSample(pids);
      const capacity = (performance.now() - t0) * cpus().length;
      const otherLoad = l0.busy === null || l1.busy === null ? null : Math.min(1, Math.max(0, (l1.busy - l0.busy - (l1.ours - l0.ours)) / capacity));
      phases.push({ label: ph.label, server: done, client: report, probe: probeReport, otherLoad });
      log(`ws-fanout: ${plan.kind} N=${plan.n} ${ph.label}: ${report === null ? 0 : report.deliveries} deliveries, server CPU ${((done.cpu.userUs + done.cpu.systemUs) / 1000).toFixed(0)} ms`);
      if (ph.label === 'P' && client !== null) {
        client.post({ type: 'slow-close' });
        await client.next('slow-closed');
        await sleep(100);
      }
    }
    return { plan, impl, connectMs, phases, error: null };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    log(`ws-fanout: ${plan.kind} N=${plan.n} FAILED: ${msg.split('\n')[0]}`);
    return { plan, impl, connectMs, phases, error: msg };
  } finally {
    feed?.stop();
    await client?.stop({ type: 'stop' });
    await probe?.stop({ type: 'stop' });
    await server.stop({ type: 'stop' });
    if (sockPath !== null) rmSync(sockPath, { force: true });
  }
}
