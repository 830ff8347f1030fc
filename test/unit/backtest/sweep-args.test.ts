// The sweep CLI's argument validation: good argv parses to a typed value, every problem of a bad
// one is reported at once with the option at fault.
import { describe, expect, it } from 'vitest';
import { parseSweepArgs, type SweepArgsError } from '../../../src/backtest/index.js';

const errors = (argv: string[]): SweepArgsError[] => {
  const r = parseSweepArgs(argv);
  if (r.ok) throw new Error(`expected errors for ${argv.join(' ')}`);
  return r.error;
};

describe('parseSweepArgs', () => {
  it('parses the documented example', () => {
    const r = parseSweepArgs(['--strategies', 'src/defaults/strategies.yaml', '--strategy', 'momentum_20', '--param', 'threshold=0.001,0.002,0.004', '--param=lookback_periods=10,20', '--ticks', 'synthetic:s1:5000', '--json']);
    expect(r).toEqual({
      ok: true,
      value: {
        strategiesFile: 'src/defaults/strategies.yaml',
        strategy: 'momentum_20',
        axes: [
          { key: 'threshold', values: [0.001, 0.002, 0.004] },
          { key: 'lookback_periods', values: [10, 20] },
        ],
        ticks: { kind: 'synthetic', seed: 's1', n: 5000 },
        json: true,
        threads: null,
        config: null,
        riskCaps: true,
        sort: { key: 'netPnl', dir: 'desc' },
        heatmap: null,
        top: 0,
        reportDir: '.',
        walkForward: null,
      },
    });
    expect(parseSweepArgs(['--strategy', 'x', '--ticks', 'data/t.jsonl', '--threads', '3'])).toMatchObject({ ok: true, value: { ticks: { kind: 'file', path: 'data/t.jsonl' }, threads: 3, axes: [] } });
    expect(parseSweepArgs(['--help'])).toEqual({ ok: true, value: 'help' });
  });

  it('reports every problem with the option at fault', () => {
    const e = errors(['--strategy', 'm', '--param', 'threshold', '--param', 'x=1,,2', '--ticks', 'synthetic:s:0', '--threads', '0', '--bogus=1', 'stray', '--json=yes']);
    expect(e.every((x) => x.code === 'ERR_CONFIG_INVALID')).toBe(true);
    const at = Object.fromEntries(e.map((x) => [x.path, x.message]));
    expect(at['--param #1']).toMatch(/key=v1,v2/);
    expect(at['--param #2']).toMatch(/non-empty values/);
    expect(at['--ticks']).toMatch(/synthetic:SEED:N/);
    expect(at['--threads']).toMatch(/at least 1/);
    expect(at['--bogus']).toMatch(/unknown option/);
    expect(at['stray']).toMatch(/unexpected argument/);
    expect(at['--json']).toMatch(/flag/);
  });

  it('requires --strategy and --ticks, refuses repeats and a grid too large', () => {
    expect(errors([]).map((x) => x.path).sort()).toEqual(['--strategy', '--ticks']);
    expect(errors(['--strategy', 'a', '--strategy', 'b', '--ticks', 'f'])[0]).toMatchObject({ path: '--strategy', message: 'is given more than once' });
    expect(errors(['--strategy', 'a', '--ticks'])[0]).toMatchObject({ path: '--ticks', message: expect.stringMatching(/^expects a value/) });
    expect(errors(['--strategy', 'a', '--ticks', 'f', '--param', 'x=1,2', '--param', 'x=3'])[0]!.message).toMatch(/swept twice/);
    expect(errors(['--strategy', 'a', '--ticks', 'f', '--param', 'x=1,1'])[0]!.message).toMatch(/listed twice/);
    const big = Array.from({ length: 101 }, (_, i) => String(i)).join(',');
    expect(errors(['--strategy', 'a', '--ticks', 'f', '--param', `x=${big}`, '--param', `y=${big}`])[0]!.message).toMatch(/10201 combinations/);
  });
});

describe('sweep ranking, heatmap and top-N arguments', () => {
  it('reads --sort with a default direction per metric, --heatmap, --top, --report-dir, --no-risk-caps', () => {
    const base = ['--strategy', 'm', '--ticks', 'synthetic:s:10', '--param', 'a=1,2', '--param', 'b=3,4'];
    expect(parseSweepArgs([...base, '--sort', 'sharpe', '--heatmap', 'h.html', '--top', '3', '--report-dir', 'out', '--no-risk-caps'])).toMatchObject({
      ok: true,
      value: { sort: { key: 'sharpe', dir: 'desc' }, heatmap: 'h.html', top: 3, reportDir: 'out', riskCaps: false },
    });
    expect(parseSweepArgs([...base, '--sort', 'maxDrawdownPct'])).toMatchObject({ ok: true, value: { sort: { key: 'maxDrawdownPct', dir: 'asc' } } });
    expect(parseSweepArgs([...base, '--sort', 'fees:desc'])).toMatchObject({ ok: true, value: { sort: { key: 'fees', dir: 'desc' } } });
  });

  it('rejects an unknown metric, a heatmap without two axes and a bad --top, all at once', () => {
    const r = parseSweepArgs(['--strategy', 'm', '--ticks', 'synthetic:s:10', '--param', 'a=1,2', '--sort', 'sharp:up', '--top', '0']);
    expect(r.ok).toBe(false);
    const lines = r.ok ? [] : r.error.map((e) => `${e.path}: ${e.message}`);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^--sort: expected metric\[:asc\|:desc\] with a metric among .*sharpe/), expect.stringMatching(/^--top: expected at least 1/)]));
    const h = parseSweepArgs(['--strategy', 'm', '--ticks', 'synthetic:s:10', '--param', 'a=1,2', '--heatmap', 'h.html']);
    expect(h.ok ? [] : h.error.map((e) => `${e.path}: ${e.message}`)).toEqual(['--heatmap: needs exactly two --param axes, was 1']);
  });
});

describe('walk-forward arguments', () => {
  const base = ['--strategy', 'm', '--ticks', 'synthetic:s:10', '--param', 'a=1,2'];
  it('reads --train/--test durations', () => {
    expect(parseSweepArgs([...base, '--train', '2h', '--test', '30m'])).toMatchObject({ ok: true, value: { walkForward: { trainMs: 7_200_000, testMs: 1_800_000 } } });
  });
  it('needs both windows, valid durations, and no --heatmap/--top', () => {
    const lines = (argv: string[]): string[] => {
      const r = parseSweepArgs([...base, ...argv]);
      return r.ok ? [] : r.error.map((e) => `${e.path}: ${e.message}`);
    };
    expect(lines(['--train', '2h'])).toEqual(['--test: walk-forward needs both --train and --test']);
    expect(lines(['--train', '2 hours', '--test', '0d'])).toEqual([
      '--train: expected a duration like 90s, 15m, 6h or 2d, was "2 hours"',
      '--test: expected a duration like 90s, 15m, 6h or 2d, was "0d"',
    ]);
    expect(lines(['--train', '2h', '--test', '1h', '--top', '2'])).toEqual(['--train: walk-forward prints its folds; --heatmap and --top are for a single run']);
  });
});
