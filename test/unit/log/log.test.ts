import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { actorLogger, createRootLogger, flushLogger, LogOnce, logOnce, logOnceFor, pinConsole, prettyDestination, redactPaths, REDACTED, relayLines, resolveConsole } from '../../../src/log.js';

/** A pino destination that keeps each written line, parsed. */
function memory(): { write(line: string): void; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    write(line: string) {
      for (const l of line.split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
    },
  };
}

describe('root logger', () => {
  it('redacts built-in and configured secret keys with "[redacted]"', () => {
    const out = memory();
    const log = createRootLogger({ logLevel: 'info', redactKeys: ['x-api-key', 'session.cookie'] }, out);
    log.info(
      {
        apiSecret: 'a',
        access_token: 'b',
        token: 'c',
        password: 'd',
        headers: { authorization: 'Bearer e', 'x-api-key': 'f', accept: 'json' },
        kite: { request_token: 'g', api_secret: 'h', user: 'AB1234' },
        session: { cookie: 'i' },
        'x-api-key': 'j',
        client: { token: 'k' },
      },
      'hello',
    );
    const line = out.lines[0] ?? {};
    const text = JSON.stringify(line);
    for (const secret of ['"a"', '"b"', '"c"', '"d"', 'Bearer', '"f"', '"g"', '"h"', '"i"', '"j"', '"k"']) expect(text).not.toContain(secret);
    expect(line['apiSecret']).toBe('[redacted]');
    expect((line['headers'] as Record<string, unknown>)['authorization']).toBe('[redacted]');
    expect((line['headers'] as Record<string, unknown>)['accept']).toBe('json');
    expect((line['kite'] as Record<string, unknown>)['user']).toBe('AB1234');
    expect(line['msg']).toBe('hello');
    expect(line['level']).toBe('info');
  });

  it('respects the level', () => {
    const out = memory();
    const log = createRootLogger({ logLevel: 'warn' }, out);
    log.info('dropped');
    log.warn('kept');
    expect(out.lines.map((l) => l['msg'])).toEqual(['kept']);
  });

  it('actor child loggers carry {actor, gen} on every line', () => {
    const out = memory();
    const child = actorLogger(createRootLogger({ logLevel: 'info' }, out), 'risk-paper', 3);
    child.info({ n: 1 }, 'a');
    child.child({ sub: true }).info('b');
    expect(out.lines.map((l) => [l['actor'], l['gen']])).toEqual([
      ['risk-paper', 3],
      ['risk-paper', 3],
    ]);
    expect(out.lines[0]?.['pid']).toBe(process.pid);
  });

  it('builds bracket paths for keys that are not identifiers', () => {
    expect(redactPaths(['x-api-key'])).toEqual(expect.arrayContaining(['["x-api-key"]', '*["x-api-key"]', 'token', '*.token']));
  });

  it('flushLogger resolves', async () => {
    await expect(flushLogger(createRootLogger({ logLevel: 'info' }, memory()), 50)).resolves.toBeUndefined();
  });
});

describe('logOnce', () => {
  it('logs a code once per key and counts repeats', () => {
    const out = memory();
    const log = createRootLogger({ logLevel: 'info' }, out);
    expect(logOnce(log, 'ERR_FRAME_BAD_MAGIC', { magic: 7 })).toEqual({ logged: true, count: 1 });
    expect(logOnce(log, 'ERR_FRAME_BAD_MAGIC', { magic: 8 })).toEqual({ logged: false, count: 2 });
    expect(logOnce(log, 'ERR_FRAME_BAD_MAGIC', { magic: 9 })).toEqual({ logged: false, count: 3 });
    expect(logOnce(log, 'ERR_FRAME_BAD_MAGIC', { magic: 9 }, 'client-2')).toEqual({ logged: true, count: 1 });
    expect(out.lines).toHaveLength(2);
    expect(out.lines[0]).toMatchObject({ level: 'warn', code: 'ERR_FRAME_BAD_MAGIC', detail: { magic: 7 } });
    expect(logOnceFor(log).counts().get('ERR_FRAME_BAD_MAGIC')).toBe(3);
  });

  it('uses the level of the code category', () => {
    const out = memory();
    const once = new LogOnce(createRootLogger({ logLevel: 'info' }, out));
    once.log('ERR_ACTOR_CRASHED', { actor: 'x', reason: 'boom' });
    once.log('ERR_RISK_MAX_POSITION', { position: 1, max: 0 });
    expect(out.lines.map((l) => l['level'])).toEqual(['error', 'info']);
  });

  it('keeps at most maxKeys keys, forgetting the oldest', () => {
    const out = memory();
    const once = new LogOnce(createRootLogger({ logLevel: 'info' }, out), 2);
    once.log('ERR_BACKPRESSURE', {}, 'a');
    once.log('ERR_BACKPRESSURE', {}, 'b');
    once.log('ERR_BACKPRESSURE', {}, 'c'); // evicts a
    expect([...once.counts().keys()]).toEqual(['b', 'c']);
    expect(once.log('ERR_BACKPRESSURE', {}, 'c').logged).toBe(false);
    expect(once.log('ERR_BACKPRESSURE', {}, 'a').logged).toBe(true);
    expect(out.lines).toHaveLength(4);
  });
});

describe('console mode', () => {
  it('LOG_FORMAT wins; unset means pretty on a terminal and JSON when piped', () => {
    expect(resolveConsole({}, true)).toEqual({ format: 'pretty', color: true });
    expect(resolveConsole({}, false)).toEqual({ format: 'json', color: false });
    expect(resolveConsole({ LOG_FORMAT: 'json' }, true)).toEqual({ format: 'json', color: false });
    expect(resolveConsole({ LOG_FORMAT: 'Pretty' }, false)).toEqual({ format: 'pretty', color: false });
    expect(resolveConsole({ LOG_FORMAT: 'pretty', FORCE_COLOR: '1' }, false)).toEqual({ format: 'pretty', color: true });
    expect(resolveConsole({ NO_COLOR: '1' }, true)).toEqual({ format: 'pretty', color: false });
    expect(resolveConsole({ FORCE_COLOR: '0' }, true)).toEqual({ format: 'pretty', color: false });
  });

  it('the pinned mode is what a worker (no terminal) resolves to', () => {
    for (const [env, tty] of [[{}, true], [{}, false], [{ LOG_FORMAT: 'pretty' }, false], [{ NO_COLOR: 'x' }, true]] as const) {
      const main = resolveConsole(env, tty);
      const inherited: Record<string, string | undefined> = { ...env };
      pinConsole(inherited, main);
      expect(resolveConsole(inherited, false)).toEqual(main);
    }
  });

  it('pretty lines are human text, still redacted, one per entry', () => {
    const written: string[] = [];
    const out = { write: (s: string) => written.push(s) };
    const log = actorLogger(createRootLogger({ logLevel: 'info' }, prettyDestination(out, false)), 'risk-manager', 2);
    log.info({ apiSecret: 'hunter2', n: 3 }, 'limits loaded');
    log.debug('hidden');
    expect(written).toHaveLength(1);
    const line = written[0]!;
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: risk-manager: limits loaded \{.*"n":3.*\}\n$/);
    expect(line).toContain(REDACTED);
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('\u001b[');
    const colored: string[] = [];
    pino({}, prettyDestination({ write: (s: string) => colored.push(s) }, true)).warn('x');
    expect(colored[0]).toContain('\u001b[');
  });
});

describe('relayLines', () => {
  it('forwards whole lines only, and an unterminated last line at the end', async () => {
    const from = new PassThrough();
    const writes: string[] = [];
    relayLines(from, { write: (x: string) => writes.push(x) });
    from.write('{"a":1}\n{"b"');
    from.write(':2}\n');
    from.write('{"c":3}\n{"d":4}\nlast');
    from.end();
    await new Promise((r) => from.once('close', r));
    expect(writes).toEqual(['{"a":1}\n', '{"b":2}\n', '{"c":3}\n{"d":4}\n', 'last\n']);
  });
});
