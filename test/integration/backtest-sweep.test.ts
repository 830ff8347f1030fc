// The sweep CLI end to end (node dist/actors/sweep.js, piscina workers): a 2×2 grid on a synthetic
// series and on a replay file, ranked by net PnL, each row equal to the same backtest run in
// process; bad arguments exit 2 with every problem listed. Build first (the CLI runs from dist/).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packTicks, runSweepTask, syntheticColumns, withParams, type SweepTask } from '../../src/backtest/index.js';
import { defaultConfig } from '../../src/config.js';
import { paperConfigFrom } from '../../src/services/engine/config.js';
import { riskLimitsFromConfig } from '../../src/services/risk/limits.js';
import { readStrategiesFile } from '../../src/services/strategy/load.js';
import { projectRoot } from '../../src/runtime/system.js';
import { writeReplayFile } from '../fixtures/pipeline-harness.js';
import { tempDir } from '../support/system.js';

const root = projectRoot();
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function sweep(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist/actors/sweep.js'), ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Ranked {
  rank: number;
  params: Record<string, number>;
  netPnlPaise: number;
  fills: number;
}

const config = defaultConfig();
const strategies = readStrategiesFile(join(root, 'src/defaults/strategies.yaml'));
const momentum = strategies.ok ? strategies.value.find((c) => c.id === 'momentum_20')! : undefined;

function expected(params: Record<string, number>, source: SweepTask['source']): number {
  const o = runSweepTask({ id: 0, params, strategy: withParams(momentum!, params), source, risk: riskLimitsFromConfig(config.risk), paper: paperConfigFrom(config.paper) });
  if (!o.ok) throw new Error(o.errors.join('; '));
  return o.stats.netPnl;
}

describe('sweep CLI', () => {
  const grid = ['--param', 'threshold=0.001,0.003', '--param', 'lookback_periods=10,20'];

  it('ranks a synthetic grid by net PnL, each row as the in-process backtest computes it', () => {
    const r = sweep(['--strategy', 'momentum_20', ...grid, '--ticks', 'synthetic:it-sweep:4000', '--json', '--threads', '2']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ranked: Ranked[]; failed: unknown[] };
    expect(out.failed).toEqual([]);
    expect(out.ranked.map((x) => x.rank)).toEqual([1, 2, 3, 4]);
    expect(out.ranked.map((x) => x.netPnlPaise)).toEqual([...out.ranked.map((x) => x.netPnlPaise)].sort((a, b) => b - a));
    const spec = { seed: 'it-sweep', n: 4000, instruments: momentum!.instruments };
    for (const row of out.ranked) expect(row.netPnlPaise).toBe(expected(row.params, { kind: 'synthetic', spec }));
  }, 120_000);

  it('sweeps a replay file and prints the text table', () => {
    const dir = tempDir('ap-sweep-');
    cleanups.push(dir.cleanup);
    const file = join(dir.path, 't.jsonl');
    const ticks = writeReplayFile(file, momentum!.instruments, 3000, 200, 'it-sweep-file');
    const r = sweep(['--strategy', 'momentum_20', ...grid, '--ticks', file]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^#\s+threshold\s+lookback_periods\s+net PnL ₹/);
    expect(lines).toHaveLength(2 + 4);
    const source = { kind: 'columns' as const, columns: packTicks(ticks), calendar: { market24x7: false, holidays: [] } };
    const best = Math.max(...[0.001, 0.003].flatMap((t) => [10, 20].map((l) => expected({ threshold: t, lookback_periods: l }, source))));
    const cell = lines[2]!.trim().split(/\s{2,}/)[3]!;
    expect(Math.round(Number(cell.replace(/,/g, '')) * 100)).toBe(best);
  }, 120_000);

  it('ranks by another metric, draws progress on stderr, writes the heatmap and the top reports', () => {
    const dir = tempDir('ap-sweep-');
    cleanups.push(dir.cleanup);
    const heatmap = join(dir.path, 'h.html');
    const r = sweep(['--strategy', 'momentum_20', ...grid, '--ticks', 'synthetic:it-sweep:4000', '--sort', 'maxDrawdownPct', '--heatmap', heatmap, '--top', '2', '--report-dir', join(dir.path, 'top'), '--json', '--threads', '2']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { sort: unknown; ranked: { metrics: Record<string, number | null>; params: Record<string, number> }[] };
    expect(out.sort).toEqual({ key: 'maxDrawdownPct', dir: 'asc' });
    const dd = out.ranked.map((x) => x.metrics['maxDrawdownPct']!);
    expect(dd).toEqual([...dd].sort((a, b) => a - b));
    // not a terminal: plain progress lines, the last at 4/4
    expect(r.stderr).toMatch(/^\[sweep\] 100% 4\/4 combinations/m);
    const page = readFileSync(heatmap, 'utf8');
    expect(page.match(/<td data-row=/g)).toHaveLength(4);
    for (const x of out.ranked) expect(page).toContain(`data-row="${x.params['threshold']}" data-col="${x.params['lookback_periods']}" data-value="${x.metrics['maxDrawdownPct']}"`);
    const top = readFileSync(join(dir.path, 'top', 'momentum_20-top1.html'), 'utf8');
    expect(top).toContain(`data-scope="momentum_20" data-metric="maxDrawdownPct" data-value="${dd[0]}"`);
    expect(existsSync(join(dir.path, 'top', 'momentum_20-top2.html'))).toBe(true);
    expect(existsSync(join(dir.path, 'top', 'momentum_20-top3.html'))).toBe(false);
  }, 120_000);

  it('walks forward: each fold picks the best set in sample and reports it out of sample', () => {
    // 4 000 ticks 100 ms apart: 6 min 40 s; 3 min train + 1 min test, rolled by 1 min → 3 folds
    const r = sweep(['--strategy', 'momentum_20', ...grid, '--ticks', 'synthetic:it-wf:4000', '--train', '3m', '--test', '1m', '--json', '--threads', '2']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { outOfSampleNetPnlPaise: number; folds: { trainFrom: number; testFrom: number; testTo: number; best: Record<string, number>; test: { netPnlPaise: number } }[] };
    expect(out.folds).toHaveLength(3);
    const spec = { seed: 'it-wf', n: 4000, instruments: momentum!.instruments };
    const cols = syntheticColumns(spec, false);
    const ts = Array.from(cols.ts);
    const sets = [0.001, 0.003].flatMap((threshold) => [10, 20].map((lookback_periods) => ({ threshold, lookback_periods })));
    const run = (params: Record<string, number>, from: number, to: number): number => {
      const window = { start: ts.findIndex((t) => t >= from), end: ts.findIndex((t) => t >= to) === -1 ? ts.length : ts.findIndex((t) => t >= to) };
      const o = runSweepTask({ id: 0, params, strategy: withParams(momentum!, params), source: { kind: 'synthetic', spec }, risk: riskLimitsFromConfig(config.risk), paper: paperConfigFrom(config.paper), window });
      if (!o.ok) throw new Error(o.errors.join('; '));
      return o.stats.netPnl;
    };
    let oos = 0;
    for (const f of out.folds) {
      expect(f.testFrom - f.trainFrom).toBe(180_000);
      const inSample = sets.map((p) => run(p, f.trainFrom, f.testFrom));
      expect(run(f.best, f.trainFrom, f.testFrom)).toBe(Math.max(...inSample));
      expect(f.test.netPnlPaise).toBe(run(f.best, f.testFrom, f.testTo));
      oos += f.test.netPnlPaise;
    }
    expect(out.outOfSampleNetPnlPaise).toBe(oos);
  }, 120_000);

  it('exits 2 listing every argument, strategy and parameter problem', () => {
    const bad = sweep(['--strategy', 'momentum_20', '--param', 'threshold', '--ticks', 'synthetic:x:0', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ERR_CONFIG_INVALID: --param #1: expected key=v1,v2/);
    expect(bad.stderr).toMatch(/ERR_CONFIG_INVALID: --ticks: expected synthetic:SEED:N/);
    expect(bad.stderr).toMatch(/ERR_CONFIG_INVALID: --nope: unknown option/);
    expect(bad.stderr).toMatch(/^usage: /m);
    const unknown = sweep(['--strategy', 'nope', '--ticks', 'synthetic:x:10']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no strategy "nope" .*available: momentum_20, rsi_14/);
    const params = sweep(['--strategy', 'momentum_20', '--param', 'threshold=-1,0.002', '--ticks', 'synthetic:x:10']);
    expect(params.code).toBe(2);
    expect(params.stderr).toMatch(/threshold=-1: ERR_STRATEGY_CONFIG: .*threshold/);
    const missing = sweep(['--strategy', 'momentum_20', '--ticks', join(root, 'no-such-file.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--ticks: cannot read/);
  }, 120_000);
});
