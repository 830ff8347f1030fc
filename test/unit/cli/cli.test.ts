// The shared command-line parser: both spellings of a value, repeatable options, --help winning
// over problems, and every kind of problem reported together with the option at fault.
import { describe, expect, it } from 'vitest';
import { parseCli, scanCli, usage, type CliSpec } from '../../../src/cli.js';
import { closest, editDistance } from '../../../src/did-you-mean.js';

const SPEC = {
  command: 'npm run demo --',
  summary: 'A demo command.',
  options: {
    only: { type: 'string', arg: '<a,b>', help: 'suites to run' },
    param: { type: 'string', multiple: true, arg: '<k=v>', help: 'a parameter' },
    quick: { type: 'boolean', help: 'small sizes' },
    'no-write': { type: 'boolean', help: 'do not write results' },
  },
} as const satisfies CliSpec;

describe('parseCli', () => {
  it('reads --k v and --k=v, repeatable options and flags', () => {
    const r = parseCli(SPEC, ['--only', 'ring,pool', '--param=a=1', '--param', 'b=2', '--quick', '--no-write']);
    expect(r).toEqual({ ok: true, value: { help: false, values: { only: 'ring,pool', param: ['a=1', 'b=2'], quick: true, 'no-write': true } } });
    expect(parseCli(SPEC, [])).toEqual({ ok: true, value: { help: false, values: {} } });
  });

  it('--help and -h win over any other problem', () => {
    expect(parseCli(SPEC, ['--bogus', '--help'])).toEqual({ ok: true, value: { help: true } });
    expect(parseCli(SPEC, ['-h'])).toEqual({ ok: true, value: { help: true } });
    expect(parseCli(SPEC, ['--only', '--help'])).toEqual({ ok: true, value: { help: true } });
  });

  it('reports every problem at once, with "did you mean" for a near miss', () => {
    const r = scanCli(SPEC, ['stray', '--qiuck', '--quick=yes', '--only', 'a', '--only', 'b', '--zzzzzzzz', '--param']);
    const at = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(r.problems.every((p) => p.code === 'ERR_CONFIG_INVALID')).toBe(true);
    expect(at['--qiuck']).toMatch(/^unknown option \(did you mean --quick\?\)/);
    expect(at['--zzzzzzzz']).toMatch(/^unknown option; run with --help/);
    expect(at['stray']).toMatch(/unexpected argument/);
    expect(at['--quick']).toMatch(/flag and takes no value/);
    expect(at['--only']).toBe('is given more than once');
    expect(at['--param']).toMatch(/^expects a value <k=v>/);
    expect(r.values.only).toBe('a');
  });

  it('the argument after an unknown option is taken as its value, not reported again', () => {
    expect(scanCli(SPEC, ['--onyl', 'ring']).problems.map((p) => p.path)).toEqual(['--onyl']);
    expect(scanCli(SPEC, ['--onyl=ring', 'stray']).problems.map((p) => p.path)).toEqual(['--onyl', 'stray']);
  });

  it('an option followed by another option has no value, and the swallowed option is still checked', () => {
    const r = scanCli(SPEC, ['--only', '--nope']);
    expect(r.problems.map((p) => p.path)).toEqual(['--only', '--nope']);
    expect(parseCli(SPEC, ['--only=-x'])).toEqual({ ok: true, value: { help: false, values: { only: '-x' } } });
  });

  it('usage lists every option and --help', () => {
    const text = usage(SPEC);
    expect(text).toMatch(/^usage: npm run demo -- \[options\]/);
    for (const o of ['--only <a,b>', '--param <k=v>', '--quick', '--no-write', '-h, --help']) expect(text).toContain(o);
    expect(text).toMatch(/a parameter \(repeatable\)/);
  });
});

describe('did you mean', () => {
  it('edit distance and a closest candidate only within a typo distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closest('API__PROT', ['API__PORT', 'API__HOST'])).toBe('API__PORT');
    expect(closest('market_feed__tick_per_second', ['MARKET_FEED__TICKS_PER_SECOND'])).toBe('MARKET_FEED__TICKS_PER_SECOND');
    expect(closest('API__COMPLETELY_ELSE', ['API__PORT', 'API__HOST'])).toBeUndefined();
  });
});
