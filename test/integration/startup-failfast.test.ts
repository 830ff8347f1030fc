// The REAL main job (`node dist/actors/main.js`) as child processes on temp data dirs: one instance
// per data dir (a second is refused with exit 3 naming the holder's pid; the lock of a SIGKILLed
// holder is taken over), and every start-up error exits non-zero within a deadline with its
// catalogued code and class exit code, before the tree starts. Build first: npm run build.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime/system.js';
import { EXIT } from '../../src/startup/exit-codes.js';
import { eventually, tempDir } from '../support/system.js';
import { MainJob, type LogLine } from '../fixtures/pipeline-harness.js';

/** A refused start takes about a second on an idle machine; this allows for a loaded one. */
const EXIT_DEADLINE_MS = 30_000;
const START_DEADLINE_MS = 60_000;

const jobs: MainJob[] = [];
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) {
    if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
    await j.exited;
  }
});
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function start(env: Record<string, string>): MainJob {
  const job = new MainJob(projectRoot(), { LOG_LEVEL: 'info', SUMMARY_INTERVAL_MS: '60000', ...env });
  jobs.push(job);
  return job;
}

const running = (j: MainJob): boolean => j.child.exitCode === null && j.child.signalCode === null;

/** The exit of a job that must stop by itself within the deadline (killed and failed otherwise). */
async function exitOf(job: MainJob): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), EXIT_DEADLINE_MS)));
  const exit = await Promise.race([job.exited, deadline]);
  clearTimeout(timer);
  if (exit === 'timeout') throw new Error(`still running after ${EXIT_DEADLINE_MS} ms; last lines: ${JSON.stringify(job.lines.slice(-5))}`);
  return { code: exit.code, ms: Date.now() - t0 };
}

async function waitStarted(job: MainJob): Promise<void> {
  await eventually(() => job.find('supervision tree started').length > 0 || !running(job), START_DEADLINE_MS, 'tree started');
  expect(running(job), job.stderr).toBe(true);
}

// pino writes the level as its label here (src/log.ts formatters)
const fatal = (job: MainJob): LogLine[] => job.lines.filter((l) => String(l.level) === 'fatal');

describe('one instance per data dir', () => {
  it('refuses a second instance naming the holder, and takes over the lock of a SIGKILLed holder', async () => {
    const dir = tempDir('ap-lock-main-');
    cleanups.push(dir.cleanup);
    // With the gateway on a fixed port: the restart after SIGKILL must get it back, and the second
    // instance must be refused on the lock (exit 3) before it ever probes the port (exit 5)
    const probe = createServer();
    await new Promise<void>((r) => probe.listen({ host: '127.0.0.1', port: 0 }, r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const env = { DATA_DIR: dir.path, API__HOST: '127.0.0.1', API__PORT: String(port) };
    const first = start(env);
    await waitStarted(first);

    const second = start(env);
    const exit = await exitOf(second);
    expect({ code: exit.code, stderr: second.stderr }).toEqual({ code: EXIT.locked, stderr: '' });
    const refused = fatal(second).find((l) => l['code'] === 'ERR_INSTANCE_LOCKED');
    expect(refused?.['detail']).toEqual({ path: join(dir.path, '.lock'), pid: first.child.pid });
    expect(String(refused?.msg)).toContain(`pid ${first.child.pid}`);
    expect(second.find('starting Alpha Panda')).toEqual([]);
    // The holder was not disturbed
    expect(running(first)).toBe(true);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const third = start(env);
    await waitStarted(third);
    const takeover = third.find('instance lock taken over');
    expect(takeover.map((l) => l['previousPid'])).toEqual([first.child.pid]);

    third.child.kill('SIGTERM');
    expect({ code: (await third.exited).code, stderr: third.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
    // A clean stop empties the record: the next start reports no takeover
    expect(readFileSync(join(dir.path, '.lock'), 'utf8')).toBe('');
  }, 4 * START_DEADLINE_MS);
});

describe('fail fast at start-up', () => {
  let root: string;
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    const d = tempDir('ap-failfast-');
    cleanups.push(d.cleanup);
    root = d.path;
    writeFileSync(join(root, 'a-file'), '');
    busy = createServer();
    await new Promise<void>((r) => busy.listen({ host: '127.0.0.1', port: 0 }, r));
    busyPort = (busy.address() as { port: number }).port;
    cleanups.push(() => new Promise<void>((r) => busy.close(() => r())));
  });

  const MOMENTUM = 'type: momentum\n    broker: paper\n    params: { lookback_periods: 20, threshold: 0.002, position_size: 10 }';
  const strategies = (name: string, entries: readonly string[]): string => {
    const path = join(root, name);
    writeFileSync(path, `version: 1\nstrategies:\n${entries.map((e) => `  - ${e}`).join('\n')}\n`);
    return path;
  };

  interface Case {
    readonly name: string;
    readonly env: () => Record<string, string>;
    readonly exit: number;
    readonly code: string;
    readonly hint?: string;
  }
  const cases: readonly Case[] = [
    {
      name: 'bad YAML in the strategies file',
      env: () => {
        writeFileSync(join(root, 'bad.yaml'), 'strategies: [\n');
        return { STRATEGIES__FILE: join(root, 'bad.yaml') };
      },
      exit: EXIT.config,
      code: 'ERR_STRATEGY_CONFIG',
      hint: 'STRATEGIES__FILE',
    },
    {
      name: 'a missing strategies file',
      env: () => ({ STRATEGIES__FILE: join(root, 'none.yaml') }),
      exit: EXIT.config,
      code: 'ERR_STRATEGY_CONFIG',
    },
    {
      name: 'an unknown strategy type',
      env: () => ({ STRATEGIES__FILE: strategies('type.yaml', ['id: a\n    type: nosuch\n    broker: paper\n    instruments: [738561]\n    params: {}']) }),
      exit: EXIT.config,
      code: 'ERR_STRATEGY_UNKNOWN_TYPE',
    },
    {
      name: 'bad strategy params',
      env: () => ({ STRATEGIES__FILE: strategies('params.yaml', ['id: a\n    type: momentum\n    broker: paper\n    instruments: [738561]\n    params: { lookback_periods: -1 }']) }),
      exit: EXIT.config,
      code: 'ERR_STRATEGY_CONFIG',
    },
    {
      name: 'a duplicate strategy id',
      env: () => ({ STRATEGIES__FILE: strategies('dup.yaml', [`id: a\n    instruments: [738561]\n    ${MOMENTUM}`, `id: a\n    instruments: [256265]\n    ${MOMENTUM}`]) }),
      exit: EXIT.config,
      code: 'ERR_STRATEGY_CONFIG',
    },
    {
      name: 'an instrument token the registry does not know',
      env: () => ({ STRATEGIES__FILE: strategies('token.yaml', [`id: a\n    instruments: [738561, 999999]\n    ${MOMENTUM}`]) }),
      exit: EXIT.config,
      code: 'ERR_STRATEGY_UNKNOWN_INSTRUMENT',
      hint: 'MARKET_FEED__INSTRUMENTS_FILE',
    },
    {
      name: 'a missing replay file',
      env: () => ({ MARKET_FEED__SOURCE: 'replay', MARKET_FEED__REPLAY_FILE: join(root, 'none.jsonl') }),
      exit: EXIT.config,
      code: 'ERR_CONFIG_INVALID',
      hint: 'MARKET_FEED__REPLAY_FILE',
    },
    {
      name: 'a missing instruments file',
      env: () => ({ MARKET_FEED__INSTRUMENTS_FILE: join(root, 'none.csv') }),
      exit: EXIT.config,
      code: 'ERR_CONFIG_INVALID',
      hint: 'MARKET_FEED__INSTRUMENTS_FILE',
    },
    {
      name: 'a record file that cannot be created',
      env: () => ({ MARKET_FEED__RECORD_FILE: join(root, 'a-file', 'ticks.jsonl') }),
      exit: EXIT.config,
      code: 'ERR_CONFIG_INVALID',
      hint: 'MARKET_FEED__RECORD_FILE',
    },
    {
      name: 'a busy API port',
      env: () => ({ API__ENABLED: 'true', API__HOST: '127.0.0.1', API__PORT: String(busyPort) }),
      exit: EXIT.port,
      code: 'ERR_API_PORT_BUSY',
      hint: 'API__PORT',
    },
    {
      name: 'a Unix socket path with a file that is not a socket in the way',
      env: () => ({ API__ENABLED: 'true', API__PORT: '0', API__UNIX_SOCKET: join(root, 'a-file') }),
      exit: EXIT.port,
      code: 'ERR_GATEWAY_UNIX',
      hint: 'API__UNIX_SOCKET',
    },
    {
      name: 'a data dir that cannot be created',
      env: () => ({ DATA_DIR: join(root, 'a-file', 'data') }),
      exit: EXIT.storage,
      code: 'ERR_DATA_DIR',
      hint: 'APP__DATA_DIR',
    },
    {
      name: 'a store that cannot be created',
      env: () => ({ STORE__PATH: join(root, 'a-file', 'lmdb') }),
      exit: EXIT.storage,
      code: 'ERR_STORE_UNAVAILABLE',
      hint: 'STORE__PATH',
    },
  ];

  it.each(cases)('$name: exit $exit with $code', async (c) => {
    const data = tempDir('ap-failfast-data-');
    cleanups.push(data.cleanup);
    const job = start({ DATA_DIR: data.path, API__ENABLED: 'false', ...c.env() });
    const exit = await exitOf(job);
    const problems = fatal(job).filter((l) => typeof l['code'] === 'string');
    expect({ exit: exit.code, codes: problems.map((l) => l['code']), stderr: job.stderr }).toEqual({ exit: c.exit, codes: [c.code], stderr: '' });
    if (c.hint !== undefined) expect(String(problems[0]?.['hint'])).toContain(c.hint);
    expect(job.find(`exit code ${c.exit}`)).toHaveLength(1);
    // Refused before the tree: no actor ever started
    expect(job.find('starting Alpha Panda')).toEqual([]);
  });

  it('an invalid config value exits 2 with the config error on stderr', async () => {
    const data = tempDir('ap-failfast-data-');
    cleanups.push(data.cleanup);
    const job = start({ DATA_DIR: data.path, RUNTIME__HEARTBEAT_MS: 'often' });
    const exit = await exitOf(job);
    expect(exit.code).toBe(EXIT.config);
    expect(job.stderr).toContain('ERR_CONFIG_INVALID');
    expect(job.stderr).toContain('RUNTIME__HEARTBEAT_MS');
  });
});
