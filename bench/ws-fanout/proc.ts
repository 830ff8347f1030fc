// Parent side of a ws-fanout child process: fork a built script, await typed IPC messages with a
// timeout, and stop it for sure (polite 'stop', then SIGKILL). Every live child is also killed
// from a process 'exit' hook, so a failing suite leaves no orphan server or client behind.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const live = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

/** A forked bench child with typed IPC in both directions. */
export class Child<In extends { type: string }, Out extends { type: string }> {
  readonly proc: ChildProcess;
  private readonly inbox: Out[] = [];
  private readonly waiters: { type: string; resolve: (m: Out) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;
  private stderr = '';
  readonly exited: Promise<void>;

  constructor(
    script: URL,
    args: readonly string[],
    private readonly label: string,
    /** Adds fd 4 as a socketpair (the stream tap's channel, as the runtime gives the gateway). */
    streamFd = false,
  ) {
    hookExit();
    this.proc = fork(fileURLToPath(script), [...args], { execArgv: [], stdio: streamFd ? ['ignore', 'ignore', 'pipe', 'ipc', 'pipe'] : ['ignore', 'ignore', 'pipe', 'ipc'] });
    live.add(this.proc);
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.proc.on('message', (m: Out) => {
      if (m.type === 'error') {
        this.fail(new Error(`${label}: ${(m as unknown as { message: string }).message}`));
        return;
      }
      const i = this.waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
      else this.inbox.push(m);
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        live.delete(this.proc);
        this.fail(new Error(`${label} exited (code ${code}, signal ${signal})${this.stderr === '' ? '' : `: ${this.stderr.trim()}`}`));
        resolve();
      });
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiters.splice(0)) w.reject(e);
  }

  /** Last stderr output (e.g. a uWS fallback warning). */
  get errText(): string {
    return this.stderr;
  }

  post(m: In): void {
    if (this.proc.connected) this.proc.send(m);
  }

  next<T extends Out>(type: T['type'], timeoutMs = 20_000): Promise<T> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as T);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const w = { type, resolve: resolve as (m: Out) => void, reject };
      this.waiters.push(w);
      setTimeout(() => {
        const k = this.waiters.indexOf(w);
        if (k < 0) return;
        this.waiters.splice(k, 1);
        reject(new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for "${type}"`));
      }, timeoutMs).unref();
    });
  }

  /** Asks the child to stop, then kills it if it has not exited within `graceMs`. */
  async stop(stopMsg: In, graceMs = 1_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.post(stopMsg);
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(t);
  }
}
