// Recovery suite: how fast the main job is back after a SIGKILL. The REAL main job (node
// dist/actors/main.js, default topology, synthetic feed at 5 k ticks/s with relaxed limits, the
// gateway on a free port) trades into a temp data dir to build a store (quick: 5 s; full: 60 s),
// is SIGKILLed, and is started again on the same data dir; the time from the spawn to the first
// `GET /ready` answering 200 (trading subtree and API up) is the recovery time. Repeated `runs`
// times on the same, growing store. Goal: ≤ 3 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/runtime/system.js';
import { tokenWithScope } from '../src/gateway/tokens.js';
import { mdTable, textTable } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { resultHeader, verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult } from './harness/suite.js';
import { freePort } from './harness/net.js';

const GOAL_MS = 3000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


function start(dir: string, port: number): ChildProcess {
  return spawn(process.execPath, [join(projectRoot(), 'dist/actors/main.js')], {
    cwd: projectRoot(),
    env: {
      PATH: process.env['PATH'] ?? '',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      API__PORT: String(port),
      MARKET_FEED__TICKS_PER_SECOND: '5000',
      RISK__MAX_DAILY_TRADES: '100000000',
      RISK__MAX_POSITION: '1000000000',
      RISK__DAILY_LOSS_LIMIT: '1000000000000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Polls /ready until 200; the elapsed ms since `t0`, or NaN after `timeoutMs`. */
async function readyAfter(port: number, dir: string, t0: number, timeoutMs: number): Promise<number> {
  while (performance.now() - t0 < timeoutMs) {
    const token = tokenWithScope([], dir, 'read');
    if (token !== undefined) {
      const ok = await fetch(`http://127.0.0.1:${port}/ready`, { headers: { authorization: `Bearer ${token}` } })
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return performance.now() - t0;
    }
    await sleep(20);
  }
  return Number.NaN;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

export const recoverySuite: BenchSuite = {
  name: 'recovery',
  title: 'Recovery: SIGKILL → ready (trading and API up) on the same data dir',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const tradeMs = ctx.quick ? 5_000 : 60_000;
    const runs = ctx.quick ? 1 : Math.max(3, ctx.runs);
    const dir = mkdtempSync(join(tmpdir(), 'ap-bench-recovery-'));
    const rows: string[][] = [['run', 'store (MiB)', 'ready after restart']];
    const times: number[] = [];
    try {
      const port = await freePort();
      let child = start(dir, port);
      const first = await readyAfter(port, dir, performance.now(), 60_000);
      if (!Number.isFinite(first)) throw new Error('the main job never became ready');
      ctx.log(`recovery: trading ${tradeMs / 1000} s to build a store`);
      await sleep(tradeMs);
      for (let i = 0; i < runs; i++) {
        await kill(child);
        const storeMiB = statSync(join(dir, 'lmdb', 'data.mdb')).size / 2 ** 20;
        const s = performance.now();
        child = start(dir, port);
        const ms = await readyAfter(port, dir, s, 60_000);
        times.push(ms);
        rows.push([String(i + 1), storeMiB.toFixed(0), Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'not ready in 60 s']);
        ctx.log(`recovery: run ${i + 1}/${runs}: ${(ms / 1000).toFixed(2)} s (store ${storeMiB.toFixed(0)} MiB)`);
        await sleep(2000); // trade on a little before the next kill
      }
      child.kill('SIGTERM');
      await new Promise<void>((r) => child.once('exit', () => r()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const goals: GoalCheck[] = [
      {
        id: 'recovery',
        what: `SIGKILL → /ready 200 after a restart on the same data dir (median of ${times.length})`,
        measured: `${(median / 1000).toFixed(2)} s`,
        floor: '≤ 3 s',
        stretch: '—',
        verdict: verdict(median, GOAL_MS, GOAL_MS, true),
        value: Math.round(median),
        unit: 'ms',
      },
    ];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.verdict])];
    return {
      ...resultHeader(recoverySuite, ctx, startedAt, t0),
      metrics: { tradeMs, times },
      goals,
      text: [`Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK]' : ''}`, '', textTable(goalRows), '', textTable(rows)].join('\n'),
      markdown: [
        `## Recovery (suite \`recovery\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
        '',
        `Machine: ${describeMachine(ctx.machine)}.`,
        '',
        '### Goals',
        mdTable(goalRows),
        '',
        '### Runs',
        mdTable(rows),
      ].join('\n'),
    };
  },
};
