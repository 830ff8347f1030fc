// Soak suite: the REAL main job (node dist/actors/main.js, split topology (the default), synthetic feed at 5 k
// ticks/s, limits relaxed so it keeps trading, gateway off, temp data dir) for 5 minutes (quick:
// 20 s; SOAK_SECONDS=N for a longer run, e.g. 1800 past several retention horizons). Samples the
// process RSS (main thread and every worker: one process), the LMDB file size and the retention
// archive (data/archive) every 5 s. Goal: RSS flat within ±10 % between the first and the last minute. The store's
// growth is reported, not judged (retention is a separate capability).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/runtime/system.js';
import { mdTable, textTable } from './harness/format.js';
import { describeMachine } from './harness/machine.js';
import { resultHeader, verdict, type BenchContext, type BenchSuite, type GoalCheck, type SuiteResult } from './harness/suite.js';

const FULL_S = 300;
const QUICK_S = 20;
const SAMPLE_MS = 5000;
const RATE = 5000;

interface Sample {
  readonly atS: number;
  readonly rssMiB: number;
  readonly storeMiB: number;
  readonly archiveFiles: number;
  readonly archiveMiB: number;
}

/** Files and MiB under the retention archive directory (none yet: zeros). */
function archiveStats(dir: string): { files: number; mib: number } {
  try {
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const bytes = files.reduce((a, e) => a + statSync(join(e.parentPath ?? e.path, e.name)).size, 0);
    return { files: files.length, mib: bytes / 2 ** 20 };
  } catch {
    return { files: 0, mib: 0 };
  }
}

/** Run length: SOAK_SECONDS when set (a long hand run), else the suite's default. */
function soakSeconds(quick: boolean): number {
  const env = Number(process.env['SOAK_SECONDS']);
  return Number.isInteger(env) && env >= 10 ? env : quick ? QUICK_S : FULL_S;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? Number.NaN : Number(m[1]) / 1024;
}

function sizeMiB(path: string): number {
  try {
    return statSync(path).size / 2 ** 20;
  } catch {
    return 0;
  }
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export const soakSuite: BenchSuite = {
  name: 'soak',
  title: 'Soak: RSS of the whole process over a long run at 5 k ticks/s (split topology)',
  async run(ctx: BenchContext): Promise<SuiteResult> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const seconds = soakSeconds(ctx.quick);
    const dir = mkdtempSync(join(tmpdir(), 'ap-bench-soak-'));
    const samples: Sample[] = [];
    let summary = '';
    try {
      const child = spawn(process.execPath, [join(projectRoot(), 'dist/actors/main.js')], {
        cwd: projectRoot(),
        env: {
          PATH: process.env['PATH'] ?? '',
          DATA_DIR: dir,
          LOG_LEVEL: 'warn',
          LOG_FORMAT: 'json',
          API__ENABLED: 'false',
          RUNTIME__TOPOLOGY: 'split',
          MARKET_FEED__TICKS_PER_SECOND: String(RATE),
          RISK__MAX_DAILY_TRADES: '100000000',
          RISK__MAX_POSITION: '1000000000',
          RISK__DAILY_LOSS_LIMIT: '1000000000000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
      child.stderr.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const pid = child.pid!;
      // Warm-up: the tree starts (≈ 5–10 s) before the first sample
      await sleep(10_000);
      ctx.log(`soak: sampling RSS every ${SAMPLE_MS / 1000} s for ${seconds} s`);
      const start = performance.now();
      while (performance.now() - start < seconds * 1000) {
        if (child.exitCode !== null) throw new Error(`main job exited early (${child.exitCode}): ${out.slice(-2000)}`);
        const archive = archiveStats(join(dir, 'archive'));
        samples.push({ atS: Math.round((performance.now() - start) / 1000), rssMiB: rssMiB(pid), storeMiB: sizeMiB(join(dir, 'lmdb', 'data.mdb')), archiveFiles: archive.files, archiveMiB: archive.mib });
        await sleep(SAMPLE_MS);
      }
      child.kill('SIGTERM');
      const code = await exited;
      summary = `main job stopped with exit code ${code}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const windowS = Math.min(60, Math.max(5, Math.floor(seconds / 4)));
    const first = samples.filter((s) => s.atS < windowS).map((s) => s.rssMiB);
    const last = samples.filter((s) => s.atS >= seconds - windowS).map((s) => s.rssMiB);
    const drift = mean(last) / mean(first) - 1;
    const goals: GoalCheck[] = [
      {
        id: 'SOAK rss',
        what: `RSS of the whole process, mean of the last ${windowS} s ÷ mean of the first ${windowS} s − 1 (split, ${RATE} ticks/s, ${seconds} s)`,
        measured: `${(drift * 100).toFixed(1)} % (${mean(first).toFixed(0)} → ${mean(last).toFixed(0)} MiB)`,
        floor: 'within ±10 %',
        stretch: '—',
        verdict: verdict(Math.abs(drift), 0.1, 0.1, true),
        value: Math.round(drift * 1000) / 10,
        unit: '%',
      },
    ];
    const rows = [['t (s)', 'RSS (MiB)', 'LMDB data.mdb (MiB)', 'archive files', 'archive (MiB)'], ...samples.map((s) => [String(s.atS), s.rssMiB.toFixed(0), s.storeMiB.toFixed(1), String(s.archiveFiles), s.archiveMiB.toFixed(1)])];
    const goalRows = [['goal', 'what', 'measured', 'floor', 'verdict'], ...goals.map((g) => [g.id, g.what, g.measured, g.floor, g.verdict])];
    const storeGrowth = samples.length > 1 ? ((samples[samples.length - 1]!.storeMiB - samples[0]!.storeMiB) / (samples[samples.length - 1]!.atS - samples[0]!.atS || 1)) * 3600 : Number.NaN;
    const notes = [
      `${summary}; LMDB grew about ${storeGrowth.toFixed(0)} MiB per hour at this rate (retention keeps STORE__RETENTION_DAYS, 7 synthetic sessions = 7 minutes by default: a run shorter than that archives nothing).`,
      'RSS is read from /proc/<pid>/status (VmRSS) of the main job, which holds the main thread and every actor worker.',
    ];
    return {
      ...resultHeader(soakSuite, ctx, startedAt, t0),
      metrics: { seconds, rate: RATE, samples, drift },
      goals,
      text: [`Machine: ${describeMachine(ctx.machine)}${ctx.quick ? '  [QUICK]' : ''}`, '', textTable(goalRows), '', textTable(rows), '', ...notes].join('\n'),
      markdown: [
        `## Soak (suite \`soak\`, run ${startedAt}${ctx.quick ? ', QUICK' : ''})`,
        '',
        `Machine: ${describeMachine(ctx.machine)}.`,
        '',
        '### Goals',
        mdTable(goalRows),
        '',
        '### Samples',
        mdTable(rows),
        '',
        ...notes.map((n) => `- ${n}`),
      ].join('\n'),
    };
  },
};
