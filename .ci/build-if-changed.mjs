// Pre-step of npm start / test / bench / sweep: builds what they run, but only when an input
// changed since the last successful build. tsc --incremental alone still reads and hashes every
// source and .d.ts file (≈ 3 s of CPU on this project even when nothing changed); comparing
// modification times against a stamp written after the last good build takes milliseconds.
// Any doubt (no stamp, a newer file, a changed tsconfig or lockfile, a deleted output) runs the
// real incremental build, which is correct by content hashes. `npm run build` always runs tsc; `npm run clean`
// removes dist/ and the stamp with it. Plain JavaScript: it must run before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(root, 'dist', '.build-stamp');
/** Everything the build reads: tsconfig.build.json's include and what the fixtures import, the configs, the installed packages. */
const INPUTS = ['src', 'actors', 'bench', 'test/fixtures', 'test/support', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** Newest modification time (ms) under `path`; 0 when it does not exist. */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  // A directory's own mtime changes when a file is added, removed or renamed in it
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

function stampTime() {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

/** True when a compiled source under `dir` has no output in dist/ (someone deleted part of it). */
function outputMissing(dir) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    const rel = join(dir, e.name);
    if (e.isDirectory() ? outputMissing(rel) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !existsSync(join(root, 'dist', rel.replace(/\.ts$/, '.js')))) return true;
  }
  return false;
}

const built = stampTime();
const changed = INPUTS.map((p) => newest(join(root, p))).some((t) => t > built);
// tsc --incremental trusts its build info and would not re-emit a deleted output: start it afresh
const missing = ['src', 'actors', 'bench', 'test/fixtures'].some(outputMissing);
if (!changed && !missing) process.exit(0);
if (missing) rmSync(join(root, 'dist', '.tsbuildinfo'), { force: true });

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
