// TEMP: manual smoke run of one job (deleted before hand-off).
import { runJob } from './runner.js';
import { Histogram } from '../harness/histogram.js';
const topology = (process.argv[2] ?? 'split') as 'split' | 'fused';
const transport = process.argv[3] ?? 'ring';
const rates = (process.argv[4] ?? '1000').split(',').map(Number);
const dur = Number(process.argv[5] ?? 2);
const mode = (process.argv[6] ?? 'paced') as 'paced' | 'max';
const extra = JSON.parse(process.argv[7] ?? '{}');
const prof = process.env.PROF;
const o = await runJob({
  topology, env: { RUNTIME__TRANSPORT: transport, ...extra }, drainTimeoutMs: 30000, stages: process.env.STAGES === '1', stopAboveP99Ns: 1e9,
  steps: rates.map((rate) => ({ rate, count: mode === 'max' ? rate : Math.round(rate * dur), mode, warmupFrac: 0.1 })),
}, prof ? { cpuProfDir: prof } : {});
console.log('startup', o.result.startupMs, o.result.error ?? '');
for (const [i, s] of o.result.steps.entries()) {
  const h = new Histogram(Float64Array.from(s.probe.injected)).summary(s.probe.timerNs);
  const c = new Histogram(Float64Array.from(s.probe.scheduled)).summary(s.probe.timerNs);
  const { injected, scheduled, ...rest } = s.probe;
  console.log(JSON.stringify({ rate: s.spec.rate, complete: s.complete, drainMs: s.drainMs, inject: s.inject, probe: rest, engine: s.engine, cpuS: s.cpuS, wallS: s.wallS, gc: o.gc[i], logs: o.logLines[i] }));
  console.log('inj', JSON.stringify(h));
  console.log('sch', JSON.stringify(c));
  if (s.probe.stages) for (const k of ['raw', 'validated'] as const) console.log(k, JSON.stringify(new Histogram(Float64Array.from(s.probe.stages[k])).summary()));
  if (s.probe.fills > 0) console.log('tput', s.probe.fills / ((s.probe.lastFillNs - s.inject.firstNs) / 1e9));
}
console.log(o.stderr.slice(-3000));
