// Main-side handle of a child that runs as an OS process (see ProcessSpec): fork, boot over IPC,
// heartbeats over IPC, request/response in both directions, and the main-thread stream tap that
// forwards its (lossy) subscriptions over a socketpair (bridge.ts). Whatever the child does —
// throw, abort in native code, hang, get SIGKILLed — only the child dies; the supervisor restarts it.
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { appError, AlphaPandaError } from '../errors.js';
import { relayLines } from '../log.js';
import { ChildLifecycle } from './child-lifecycle.js';
import type { ProcessSpec } from './tree.js';
import type { Socket } from 'node:net';
import type { TapSink } from './bridge.js';
import { STREAM_FD, type HostToMain, type MainToHost, type ProcessBoot } from './process-protocol.js';

export interface ProcessEnv {
  readonly entryPath: string;
  readonly nowMs: () => number;
  readonly storeReady: () => Promise<void>;
  readonly processBootFor: (spec: ProcessSpec, gen: number) => ProcessBoot;
  /** Serves requests the child makes to the main thread (status, control calls). */
  readonly onProcessRequest: (spec: ProcessSpec, command: string, arg: unknown) => Promise<unknown>;
  /** Starts the stream tap of the child's subscriptions into `sink`; returns a function that stops it. */
  readonly attachBridge: (spec: ProcessSpec, sink: TapSink) => () => void;
  readonly defaultStartTimeoutMs: number;
  readonly defaultStopMs: number;
}

export class OsProcess extends ChildLifecycle<ProcessSpec> {
  private child: ChildProcess | undefined;
  private lastBeatAt = 0;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: 0, signal: null });
  private lastExit: string | number | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private detachBridge: (() => void) | undefined;
  /** The stream tap's socketpair end of the current child (fd STREAM_FD). */
  private stream: Socket | undefined;
  /** Settles booted(): the child answered `ready` or `start-failed` to its boot. */
  private starting: { ready: () => void; failed: (e: Error) => void } | undefined;

  constructor(
    spec: ProcessSpec,
    private readonly env: ProcessEnv,
  ) {
    super(spec, env);
  }

  protected get alive(): boolean {
    return this.child !== undefined;
  }

  /** Forks the child and lets it import its module (a `preload` message); its factory runs on `boot`. */
  protected spawn(): void {
    // Output is relayed through this process's stdout/stderr streams rather than inherited fds, so
    // whoever holds them (a terminal, a pipe, the test runner's log capture) gets the child's lines
    // fd STREAM_FD is a socketpair for the stream tap: no path to clean up, it dies with the child
    const child = fork(this.env.entryPath, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'] });
    if (this.spec.niceness !== undefined && this.spec.niceness > 0 && child.pid !== undefined) {
      try {
        setPriority(child.pid, Math.min(19, this.spec.niceness));
      } catch {
        // Raising niceness needs no privilege on Linux; a sandbox that refuses it leaves the child at
        // the parent's priority, which is what it had before
      }
    }
    const stream = child.stdio[STREAM_FD] as Socket | null;
    this.stream = stream ?? undefined;
    // A write racing the child's death is expected; the exit handler reports the crash
    stream?.on('error', () => undefined);
    if (child.stdout !== null) relayLines(child.stdout, process.stdout);
    if (child.stderr !== null) relayLines(child.stderr, process.stderr);
    this.child = child;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.lastExit = code ?? signal;
        resolve({ code, signal });
      }),
    );
    void this.exited.then((r) => this.onExit(child, r.code, r.signal));
    child.on('message', (m: HostToMain) => this.onMessage(m));
    this.send({ type: 'preload', moduleUrl: this.env.processBootFor(this.spec, this.gen).moduleUrl });
  }

  protected booted(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      this.starting = { ready: resolve, failed: reject };
    });
    this.send({ type: 'boot', boot: this.env.processBootFor(this.spec, this.gen) });
    return ready.finally(() => (this.starting = undefined));
  }

  protected exit(): Promise<unknown> {
    return this.exited;
  }

  protected exitError(): AlphaPandaError {
    return appError('ERR_ACTOR_EXITED', { actor: this.name, exitCode: this.lastExit });
  }

  protected onRunning(): void {
    this.lastBeatAt = this.startedAt;
    if (this.stream !== undefined) this.detachBridge = this.env.attachBridge(this.spec, this.stream);
  }

  protected requestStop(reason: string): Promise<unknown> {
    this.detachBridge?.();
    this.send({ type: 'stop', reason });
    return this.exited;
  }

  /** IPC heartbeats: a child whose event loop stops answering is killed and restarted. */
  checkHeartbeat(nowMs: number, hangTimeoutMs: number): void {
    if (this.state !== 'running' || this.child === undefined || this.hung) return;
    if (nowMs - this.lastBeatAt > hangTimeoutMs) {
      this.hung = true;
      this.recordError(appError('ERR_ACTOR_HUNG', { actor: this.name, silentMs: nowMs - this.lastBeatAt }));
      this.child.kill('SIGKILL');
    }
  }

  /** Sends a control command to the child process (e.g. 'address' to learn its port). */
  call(command: string, arg: unknown): Promise<unknown> {
    if (this.state !== 'running') return Promise.reject(appError('ERR_ACTOR_NOT_RUNNING', { actor: this.name, state: this.state }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'call', id, command, arg });
    });
  }

  /** Test and operator hook: kill the process the hard way. */
  kill9(): void {
    this.child?.kill('SIGKILL');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private send(m: MainToHost): void {
    const c = this.child;
    if (c === undefined || !c.connected) return;
    c.send(m, (e) => {
      // A send racing the child's death is expected; the exit handler reports the crash.
      if (e !== null && e !== undefined) this.lastBeatAt = Math.min(this.lastBeatAt, this.env.nowMs());
    });
  }

  private onMessage(m: HostToMain): void {
    switch (m.type) {
      case 'ready':
        this.starting?.ready();
        return;
      case 'start-failed':
        this.starting?.failed(appError('ERR_ACTOR_CRASHED', { actor: this.name, reason: m.message }));
        return;
      case 'hb':
        this.lastBeatAt = this.env.nowMs();
        return;
      case 'reply': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (p === undefined) return;
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
        return;
      }
      case 'request':
        this.env.onProcessRequest(this.spec, m.command, m.arg).then(
          (value) => this.send({ type: 'reply', id: m.id, ok: true, value }),
          // Keep the catalogued code across the process boundary: `CODE: message`
          (e: unknown) => this.send({ type: 'reply', id: m.id, ok: false, error: e instanceof AlphaPandaError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e) }),
        );
        return;
    }
  }

  protected async kill(): Promise<void> {
    this.detachBridge?.();
    this.detachBridge = undefined;
    const c = this.child;
    if (c === undefined) return;
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
    for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited`));
    this.pending.clear();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child || this.state !== 'running') return;
    this.detachBridge?.();
    this.detachBridge = undefined;
    const error = this.hung
      ? appError('ERR_ACTOR_HUNG', { actor: this.name, silentMs: this.env.nowMs() - this.lastBeatAt })
      : appError('ERR_ACTOR_EXITED', { actor: this.name, exitCode: code ?? signal });
    this.child = undefined;
    for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited`));
    this.pending.clear();
    this.crashed(error);
  }
}
