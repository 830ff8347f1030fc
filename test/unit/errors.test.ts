// Like fastify's errors test: the README's error table and src/errors.ts list exactly the same codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, AlphaPandaError, formatMessage, type ErrorCode } from '../../src/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('<!-- errors:start -->'), readme.indexOf('<!-- errors:end -->'));
const documented = [...section.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);

describe('error catalogue', () => {
  it('has a README section', () => {
    expect(section.length).toBeGreaterThan(0);
  });
  it('every catalogued code is documented in README', () => {
    const missing = Object.keys(CATALOGUE).filter((c) => !documented.includes(c));
    expect(missing).toEqual([]);
  });
  it('README documents no code that does not exist, and none twice', () => {
    expect(documented.filter((c) => !(c in CATALOGUE))).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });
  it('fills message templates from the detail and keeps the code', () => {
    const e = new AlphaPandaError('ERR_ACTOR_HUNG', { actor: 'feed', silentMs: 3100 });
    expect(e.message).toBe('actor "feed" missed its heartbeat for 3100 ms and was terminated');
    expect(e.code).toBe('ERR_ACTOR_HUNG');
    expect(e.category).toBe('failure');
    expect(formatMessage('ERR_TOPIC_INVALID' as ErrorCode, { topic: 'x' })).toContain('"x"');
  });
});
