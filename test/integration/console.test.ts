// The main job's console and command line, on the real built program (`node dist/actors/main.js`):
// LOG_FORMAT=pretty makes every thread — the main one and the actors' worker threads, which
// inherit the pinned choice — print human lines; `--help` exits 0 with the usage; a usage error
// exits 2 and a mistyped env var exits 1 before anything starts, each with "did you mean".
// Build first: npx tsc -p tsconfig.build.json.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime/system.js';
import { eventually, tempDir } from '../support/system.js';
import { MainJob } from '../fixtures/pipeline-harness.js';

const root = projectRoot();
const jobs: MainJob[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const j of jobs.splice(0)) {
    if (j.child.exitCode === null && j.child.signalCode === null) j.child.kill('SIGKILL');
    await j.exited;
  }
  for (const c of cleanups.splice(0)) c();
});

function run(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist/actors/main.js'), ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('main job console', () => {
  it('LOG_FORMAT=pretty: human lines from the main thread and from actor workers, no JSON, no colour when piped', async () => {
    const dir = tempDir('ap-console-');
    cleanups.push(dir.cleanup);
    const job = new MainJob(root, { DATA_DIR: dir.path, API__ENABLED: 'false', LOG_FORMAT: 'pretty', MARKET_FEED__TICKS_PER_SECOND: '50' });
    jobs.push(job);
    await eventually(() => job.find('supervision tree started').length > 0, 60_000, 'the tree to start');
    job.child.kill('SIGINT');
    expect((await job.exited).code, job.stderr).toBe(0);
    const text = job.lines.map((l) => l.msg ?? '');
    // MainJob parses JSON lines into objects; a pretty line stays raw text with level 0
    expect(job.lines.every((l) => l.level === 0)).toBe(true);
    for (const line of text) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR|FATAL): /);
    expect(text.some((l) => / INFO: market-feed: actor started/.test(l))).toBe(true);
    expect(text.some((l) => / INFO: starting Alpha Panda /.test(l))).toBe(true);
    // The effective configuration is a debug line, not part of an info-level start
    expect(text.some((l) => l.includes('effective configuration'))).toBe(false);
    expect(text.join('\n')).not.toContain('\u001b[');
  }, 120_000);

  it('--help exits 0 with the usage; a bad option and a mistyped env var exit 2 (configuration), each with a hint', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm start -- \[options\]/);
    expect(help.stdout).toContain('--config <file>');
    const bad = run(['--confg', 'x.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--confg: unknown option (did you mean --config?)');
    const typo = run([], { API__PROT: '8081' });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('API__PROT: unknown environment variable under the project\'s API__ prefix (did you mean API__PORT?)');
    expect(typo.stdout).toBe('');
  }, 120_000);
});
