// The project stands alone: a fresh clone has nothing beside it, so no tracked text file may cite a
// document outside the repository, and every page of docs/ that anything cites must exist, down to
// the section number when a citation names one (`docs/original-system.md §6.15`).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/runtime/system.js';

const ROOT = projectRoot();
const TEXT_FILE = /\.(ts|js|mjs|md|yaml|json)$/;

// Built from parts so this file does not match its own patterns
const OUTSIDE = [['..', 'shared'].join('/'), ['shared', 'reference'].join('/')];

/** Tracked text files (git's index, so untracked scratch files never fail the test). */
function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => TEXT_FILE.test(f) && !f.endsWith('package-lock.json') && existsSync(join(ROOT, f)));
}

const files = trackedTextFiles().map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

/** `file:line` of every line of the tracked files that matches `re`, with the match. */
function hits(re: RegExp): { where: string; match: RegExpExecArray }[] {
  const found: { where: string; match: RegExpExecArray }[] = [];
  for (const f of files) {
    const lines = f.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      for (let m = g.exec(lines[i] ?? ''); m !== null; m = g.exec(lines[i] ?? '')) found.push({ where: `${f.path}:${i + 1}`, match: m });
    }
  }
  return found;
}

/**
 * Section numbers a docs page defines: `## N.` headings, `### N.M` headings, `- **N.M` list labels,
 * and `M.` numbered items under a `## N.` heading (cited as N.M).
 */
function sectionsOf(text: string): Set<string> {
  const out = new Set<string>();
  let top: string | null = null;
  for (const line of text.split('\n')) {
    const h2 = /^## (\d+)\./.exec(line);
    if (h2 !== null) {
      top = h2[1] ?? null;
      if (top !== null) out.add(top);
      continue;
    }
    const sub = /^(?:#{3,} |- \*\*)(\d+\.\d+)\b/.exec(line);
    if (sub?.[1] !== undefined) out.add(sub[1]);
    const item = /^(\d+)\. /.exec(line);
    if (item?.[1] !== undefined && top !== null) out.add(`${top}.${item[1]}`);
  }
  return out;
}

describe('the project stands alone', () => {
  it('scans the tracked text files', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.path === 'README.md')).toBe(true);
  });

  it('no tracked file cites a document outside the repository', () => {
    const bad = OUTSIDE.flatMap((s) =>
      hits(new RegExp(s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).map((h) => `${h.where}: ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('every docs/ page cited anywhere exists', () => {
    const cited = hits(/\bdocs\/([\w./-]+?\.md)\b/);
    expect(cited.length).toBeGreaterThan(0);
    const missing = cited.filter((h) => !existsSync(join(ROOT, 'docs', h.match[1] ?? ''))).map((h) => `${h.where}: docs/${h.match[1]}`);
    expect(missing).toEqual([]);
  });

  it('relative links between docs/ pages and from the README resolve', () => {
    const missing: string[] = [];
    for (const f of files.filter((x) => x.path.startsWith('docs/') || x.path === 'README.md')) {
      const dir = f.path.startsWith('docs/') ? 'docs' : '.';
      for (const m of f.text.matchAll(/\]\(([^)#\s]+\.md)(?:#[^)]*)?\)/g)) {
        const target = m[1] ?? '';
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(ROOT, dir, target))) missing.push(`${f.path}: ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every cited section of a docs/ page exists', () => {
    const sections = new Map<string, Set<string>>();
    const missing: string[] = [];
    for (const h of hits(/\bdocs\/([\w-]+\.md),? §(\d+(?:\.\d+)?)/)) {
      const page = h.match[1] ?? '';
      const path = join(ROOT, 'docs', page);
      if (!existsSync(path)) continue; // reported by the test above
      let known = sections.get(page);
      if (known === undefined) {
        known = sectionsOf(readFileSync(path, 'utf8'));
        sections.set(page, known);
      }
      const section = h.match[2] ?? '';
      if (!known.has(section)) missing.push(`${h.where}: docs/${page} §${section}`);
    }
    expect(missing).toEqual([]);
  });

  it('a bare § in src/domain is a section of docs/original-system.md', () => {
    const known = sectionsOf(readFileSync(join(ROOT, 'docs', 'original-system.md'), 'utf8'));
    const missing: string[] = [];
    for (const f of files.filter((x) => x.path.startsWith('src/domain/'))) {
      const lines = f.text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        // Ranges (§6.7–6.9) name their first section; the rest of a range is checked by eye
        for (const m of (lines[i] ?? '').matchAll(/§(\d+(?:\.\d+)?)/g)) {
          if (!known.has(m[1] ?? '')) missing.push(`${f.path}:${i + 1}: §${m[1]}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
