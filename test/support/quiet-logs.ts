// Vitest setup file: keeps log lines out of `npm test` output unless a test fails.
//
// Actor worker threads log with pino to their process.stdout, which Node pipes into this test
// process's process.stdout — raw writes that bypass Vitest's console capture, so every warn line
// of every restart test used to land in the report. Here process.stdout.write keeps what is
// written (a bounded tail; stderr likewise) and hands it out only when a test fails: a failure comes with the log
// lines that led to it, a green run prints nothing. (Console output of the tests themselves is
// handled by Vitest's `silent: 'passed-only'`.) TEST_LOGS=show lets everything through.
import { beforeEach } from 'vitest';

/** Bound on the kept tail per test, in characters: the end of a flood is what explains a failure. */
const MAX_CHARS = 1 << 20;

if (process.env['TEST_LOGS'] !== 'show') {
  const realWrite = process.stdout.write.bind(process.stdout);
  let kept: string[] = [];
  let size = 0;

  const keep = (text: string): void => {
    kept.push(text);
    size += text.length;
    while (size > MAX_CHARS && kept.length > 1) size -= kept.shift()!.length;
  };

  // Same contract as Writable.write: (chunk, [encoding], [callback]) → true (never back-pressures)
  const capture = ((chunk: string | Uint8Array, encodingOrCb?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
    keep(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encodingOrCb === 'string' ? encodingOrCb : 'utf8'));
    const done = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    if (done !== undefined) queueMicrotask(() => done(null));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  // stderr too: the crash output of deliberately crashing fixture processes and workers
  process.stderr.write = capture;

  beforeEach((ctx) => {
    // Lines written between tests (teardown of the previous one) belong to no test: drop them
    kept = [];
    size = 0;
    ctx.onTestFailed(() => {
      const text = kept.join('');
      if (text.trim() === '') return;
      realWrite(`\n----- log lines written during the failed test "${ctx.task.name}" (last ${MAX_CHARS} chars at most) -----\n${text}----- end of log lines -----\n`);
    });
  });
}
