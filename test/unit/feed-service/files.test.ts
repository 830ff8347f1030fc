import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyntheticFeed, parseReplay } from '../../../src/domain/feed/index.js';
import { readLines, type FileLine } from '../../../src/services/feed/line-reader.js';
import { TickRecorder } from '../../../src/services/feed/recorder.js';
import { fingerprintOf, isReplayPosition, readHead, resumePoint } from '../../../src/services/feed/replay-position.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(name: string): string {
  const d = mkdtempSync(join(tmpdir(), 'ap-feedsvc-'));
  dirs.push(d);
  return join(d, name);
}
async function all(it: AsyncIterable<FileLine>): Promise<FileLine[]> {
  const out: FileLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe('readLines', () => {
  it('yields numbered lines across chunk boundaries, strips CR, keeps a last line without newline', async () => {
    const f = tmp('a.txt');
    writeFileSync(f, 'alpha\r\nbeta\n\ngamma-gamma-gamma\ndelta');
    const lines = await all(readLines(f, { chunkBytes: 3 }));
    expect(lines).toEqual([
      { text: 'alpha', lineNo: 1 },
      { text: 'beta', lineNo: 2 },
      { text: '', lineNo: 3 },
      { text: 'gamma-gamma-gamma', lineNo: 4 },
      { text: 'delta', lineNo: 5 },
    ]);
  });

  it('cuts an over-long line to max + 1 characters and skips the rest of it', async () => {
    const f = tmp('b.txt');
    writeFileSync(f, `${'x'.repeat(50)}\nok\n${'y'.repeat(8)}`);
    const lines = await all(readLines(f, { chunkBytes: 4, maxLineChars: 10 }));
    expect(lines).toEqual([
      { text: 'x'.repeat(11), lineNo: 1 },
      { text: 'ok', lineNo: 2 },
      { text: 'y'.repeat(8), lineNo: 3 },
    ]);
  });

  it('rejects a missing file', async () => {
    await expect(all(readLines(tmp('missing.txt')))).rejects.toThrow(/ENOENT/);
  });
});

describe('replay position', () => {
  it('resumes the same file, also after an append; restarts a different or unknown one', () => {
    const f = tmp('r.jsonl');
    writeFileSync(f, 'line one\nline two\n');
    const fp = fingerprintOf(readHead(f));
    const stored = { v: 1, file: f, fingerprint: fp, ticks: 7, complete: false, savedAt: 1 };
    expect(isReplayPosition(stored)).toBe(true);
    expect(resumePoint(stored, readHead(f))).toEqual({ from: 7, reason: 'resumed' });
    appendFileSync(f, 'line three\n');
    expect(resumePoint(stored, readHead(f))).toEqual({ from: 7, reason: 'resumed' });
    writeFileSync(f, 'line ONE\nline two\n');
    expect(resumePoint(stored, readHead(f))).toEqual({ from: 0, reason: 'other-file' });
    expect(resumePoint(undefined, readHead(f))).toEqual({ from: 0, reason: 'fresh' });
    expect(resumePoint({ ...stored, ticks: -1 }, readHead(f))).toEqual({ from: 0, reason: 'invalid' });
    expect(resumePoint({ ...stored, v: 2 }, readHead(f)).reason).toBe('invalid');
  });
});

describe('TickRecorder', () => {
  it('appends ticks as JSONL in order across flushes and reports counts', async () => {
    const f = tmp('sub/dir/rec.jsonl');
    const feed = createSyntheticFeed({ instruments: [{ token: 738561 }, { token: 256265 }], seed: 'rec' });
    const ticks = Array.from({ length: 25 }, (_, i) => feed.next(1_737_690_300_000 + i));
    const r = new TickRecorder(f, 10);
    ticks.slice(0, 12).forEach((t) => r.append(t));
    await r.flush();
    expect(r.info()).toEqual({ file: f, written: 12, pending: 0 });
    ticks.slice(12).forEach((t) => r.append(t));
    expect(r.info().pending).toBe(3);
    await r.close();
    expect(r.info().written).toBe(25);
    const parsed = parseReplay(readFileSync(f, 'utf8'), f);
    expect(parsed.ok && parsed.value.ticks).toEqual(ticks);
  });
});
