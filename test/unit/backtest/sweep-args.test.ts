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
