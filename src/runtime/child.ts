// Main-thread handle of one actor incarnation chain on a worker thread: the lifecycle is
// ChildLifecycle's (child-lifecycle.ts); here the worker is spawned, booted and stopped over comlink,
// watched through its SharedArrayBuffer heartbeat, and its death classified (exception, rejection,
// process.exit, out of memory, hang, full store).
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { appError, AlphaPandaError, type ErrorCode } from '../errors.js';
import type { ActorControl, WorkerStatus } from './actor.js';
import type { WorkerBoot } from './boot.js';
import type { ActorSpec } from './tree.js';
import { ChildLifecycle } from './child-lifecycle.js';

export type ChildState = 'stopped' | 'starting' | 'running' | 'stopping' | 'restarting' | 'crashed' | 'halted';

export interface DownReason {
  /** normal / shutdown exits are not restarted for transient children (OTP). */
  readonly kind: 'normal' | 'shutdown' | 'crash';
  readonly code?: ErrorCode;
  readonly message: string;
}

export interface LastError {
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

export interface ActorStatus {
  readonly kind: 'actor';
  readonly name: string;
  readonly state: ChildState;
  readonly gen: number;
  readonly restarts: number;
  readonly uptimeMs: number;
  readonly lastError: LastError | null;
}

/** The environment an actor process needs from the system (rings, store gate, boot builder). */
export interface ActorEnv {
  readonly hostUrl: URL;
  readonly nowMs: () => number;
  readonly storeReady: () => Promise<void>;
  readonly bootFor: (spec: ActorSpec, gen: number) => { boot: WorkerBoot; transfer: readonly unknown[] };
  readonly onIncarnation: (spec: ActorSpec, gen: number) => void;
  readonly defaultStartTimeoutMs: number;
  readonly defaultStopMs: number;
  readonly defaultMaxOldGenMb: number;
  readonly heartbeat: { readonly view: Int32Array; readonly word: (spec: ActorSpec) => number };
}

export class ActorProcess extends ChildLifecycle<ActorSpec> {
  private worker: Worker | undefined;
  private api: Comlink.Remote<ActorControl> | undefined;
  private lastBeat = 0;
  private lastBeatAt = 0;
  private exited: Promise<number> = Promise.resolve(0);
  private exitCode = 0;
  private workerError: Error | undefined;

  constructor(
    spec: ActorSpec,
    private readonly env: ActorEnv,
  ) {
    super(spec, env);
  }

  protected get alive(): boolean {
    return this.worker !== undefined;
  }

  protected spawn(): void {
    this.workerError = undefined;
    this.env.onIncarnation(this.spec, this.gen);
    const { boot, transfer } = this.env.bootFor(this.spec, this.gen);
    const worker = new Worker(this.env.hostUrl, {
      workerData: boot,
      transferList: transfer as never,
      resourceLimits: { maxOldGenerationSizeMb: this.spec.maxOldGenerationSizeMb ?? this.env.defaultMaxOldGenMb },
    });
    this.worker = worker;
    worker.on('error', (e) => {
      this.workerError = e;
    });
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
    void this.exited.then((code) => this.onExit(worker, code));
    this.api = Comlink.wrap<ActorControl>(nodeEndpoint(worker));
  }

  protected booted(): Promise<void> {
    return this.api!.start();
  }

  protected exit(): Promise<unknown> {
    return this.exited;
  }

  protected exitError(): AlphaPandaError {
    return this.classify(this.exitCode);
  }

  protected override async startFailed(e: AlphaPandaError): Promise<AlphaPandaError> {
    // A worker whose start() rejected is still alive: give its stdout (piped to us
    // asynchronously) a moment to drain so its last log lines explain the failure.
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 150))]);
    // Comlink's copy of the rejection lost its code: the worker's own uncaught error keeps it
    return this.storeFull() ?? e;
  }

  protected onRunning(): void {
    this.lastBeatAt = this.startedAt;
    this.lastBeat = Atomics.load(this.env.heartbeat.view, this.env.heartbeat.word(this.spec));
  }

  protected requestStop(reason: string): Promise<unknown> {
    return this.api?.stop(reason) ?? Promise.resolve();
  }

  /** Called periodically by the system: terminates a worker whose heartbeat went silent. */
  checkHeartbeat(nowMs: number, hangTimeoutMs: number): void {
    if (this.state !== 'running' || this.worker === undefined) return;
    const beat = Atomics.load(this.env.heartbeat.view, this.env.heartbeat.word(this.spec));
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      this.lastBeatAt = nowMs;
      return;
    }
    if (nowMs - this.lastBeatAt > hangTimeoutMs && !this.hung) {
      this.hung = true;
      this.recordError(appError('ERR_ACTOR_HUNG', { actor: this.name, silentMs: nowMs - this.lastBeatAt }));
      void this.worker.terminate();
    }
  }

  /** Kills the worker from outside, as an operator or a hang detector would (test hook). */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Control-plane proxy of the running incarnation. */
  control(): Comlink.Remote<ActorControl> | undefined {
    return this.state === 'running' ? this.api : undefined;
  }

  async workerStatus(): Promise<WorkerStatus | undefined> {
    return this.state === 'running' ? this.api?.status() : undefined;
  }

  protected async kill(): Promise<void> {
    const w = this.worker;
    if (w === undefined) return;
    this.api?.[Comlink.releaseProxy]();
    await w.terminate();
    await this.exited;
    this.worker = undefined;
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    if (this.state !== 'running') return; // start() or stop() own this exit
    const error = this.classify(code);
    this.worker = undefined;
    this.api?.[Comlink.releaseProxy]();
    this.crashed(error);
  }

  private classify(exitCode: number): AlphaPandaError {
    if (this.hung) return appError('ERR_ACTOR_HUNG', { actor: this.name, silentMs: this.env.nowMs() - this.lastBeatAt });
    const e = this.workerError;
    if (e !== undefined && (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return appError('ERR_ACTOR_OOM', { actor: this.name }, e);
    }
    const full = this.storeFull();
    if (full !== undefined) return full;
    if (e !== undefined) return appError('ERR_ACTOR_CRASHED', { actor: this.name, reason: e.message }, e);
    return appError('ERR_ACTOR_EXITED', { actor: this.name, exitCode });
  }

  /**
   * The worker's uncaught error when it is a full store (ERR_STORE_FULL): it names itself, so its
   * code and hint reach the status and the halt message instead of a generic crash.
   */
  private storeFull(): AlphaPandaError | undefined {
    const e = this.workerError as (Error & { code?: unknown; detail?: Record<string, unknown> }) | undefined;
    if (e === undefined || e.code !== 'ERR_STORE_FULL') return undefined;
    return appError('ERR_STORE_FULL', e.detail ?? { path: '(store)', reason: e.message }, e);
  }
}
