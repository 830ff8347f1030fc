// The lifecycle every supervised child shares, whatever runs it — a worker thread (ActorProcess,
// child.ts) or an OS process (OsProcess, process-child.ts):
//
//   stopped ──prepare──▶ (spawned, module loading; nothing of the child runs)
//      │                        │
//      └────────start───────────┴──▶ starting ──boot ok──▶ running ──stop──▶ stopping ──▶ stopped
//                                        │                    │
//                                        └─boot failed/timeout└─exit──▶ crashed (reported upward)
//
// Here: incarnation numbering (gen), the start and stop deadlines, the error record and the status.
// A subclass says only how its kind of child is spawned, booted, asked to stop and killed, and how
// it died. Invariants: at most one spawned child per handle (`alive`); `gen` counts spawns, so a
// prepared child and the start that uses it share one gen; an exit is reported upward (onDown)
// only from `running` — start() and stop() own every other exit.
import { appError, AlphaPandaError } from '../errors.js';
import type { ActorStatus, ChildState, DownReason, LastError } from './child.js';
import { deadlinePassed, raceStep } from './deadline.js';

/** What every child handle needs from the system. */
export interface LifecycleEnv {
  readonly nowMs: () => number;
  readonly storeReady: () => Promise<void>;
  readonly defaultStartTimeoutMs: number;
  readonly defaultStopMs: number;
}

/** The part of a child spec the lifecycle reads. */
export interface LifecycleSpec {
  readonly name: string;
  readonly needsStore?: boolean;
  readonly startTimeoutMs?: number;
  readonly shutdownMs?: number;
}

export abstract class ChildLifecycle<S extends LifecycleSpec> {
  state: ChildState = 'stopped';
  gen = 0;
  restarts = 0;
  lastError: LastError | null = null;
  onDown: (reason: DownReason) => void = () => undefined;
  protected startedAt = 0;
  /** Set by the hang detector before it kills the child, so the exit is classified as a hang. */
  protected hung = false;
  /** A child spawned by prepare() whose start() has not begun. */
  private prepared = false;

  constructor(
    readonly spec: S,
    private readonly lifecycleEnv: LifecycleEnv,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** True while a child of the current incarnation exists (spawned, until killed or exited). */
  protected abstract get alive(): boolean;
  /** Spawns incarnation `gen`: its module starts loading, nothing of it runs yet. */
  protected abstract spawn(): void;
  /** Resolves once the spawned child runs its module (the boot handshake). */
  protected abstract booted(): Promise<void>;
  /** Resolves when the current child exits. */
  protected abstract exit(): Promise<unknown>;
  /** Why the current child exited (called after `exit()` resolved). */
  protected abstract exitError(): AlphaPandaError;
  /** After a failed start: the error to report (a subclass may know better), child still alive. */
  protected startFailed(e: AlphaPandaError): Promise<AlphaPandaError> {
    return Promise.resolve(e);
  }
  /** Called once the child runs (heartbeat baselines, streams). */
  protected abstract onRunning(): void;
  /** Asks the child to stop; resolves when it stopped or exited. */
  protected abstract requestStop(reason: string): Promise<unknown>;
  /** Kills the child if it is alive and waits for its exit. */
  protected abstract kill(): Promise<void>;

  /**
   * Spawns the next incarnation ahead of start(), so its module graph loads while earlier siblings
   * start: the supervisor still starts children one by one, in order. Idempotent.
   */
  prepare(): void {
    if (this.alive) return;
    this.gen += 1;
    this.hung = false;
    this.prepared = true;
    this.spawn();
  }

  /** Kills a child spawned by prepare() that was never started (a sibling before it failed). */
  async discardPrepared(): Promise<void> {
    if (!this.prepared) return;
    this.prepared = false;
    await this.kill();
  }

  /** Starts an incarnation; rejects (with the child gone) if it cannot reach running. */
  async start(): Promise<void> {
    this.prepare();
    this.prepared = false;
    this.state = 'starting';
    if (this.spec.needsStore === true) await this.lifecycleEnv.storeReady();
    const timeoutMs = this.spec.startTimeoutMs ?? this.lifecycleEnv.defaultStartTimeoutMs;
    try {
      await raceStep(this.booted(), this.exit(), () => this.exitError(), timeoutMs, () => appError('ERR_ACTOR_START_TIMEOUT', { actor: this.name, timeoutMs }));
    } catch (e) {
      const error = e instanceof AlphaPandaError ? e : appError('ERR_ACTOR_CRASHED', { actor: this.name, reason: (e as Error).message }, e);
      this.recordError(error);
      this.state = 'crashed';
      const final = await this.startFailed(error);
      if (final !== error) this.recordError(final);
      await this.kill();
      throw final;
    }
    this.state = 'running';
    this.startedAt = this.lifecycleEnv.nowMs();
    this.onRunning();
  }

  /** Requests a clean stop; kills the child if it does not finish within its deadline. */
  async stop(reason: string): Promise<void> {
    if (!this.alive || this.state === 'stopped' || this.state === 'crashed') {
      this.state = this.state === 'crashed' ? 'crashed' : 'stopped';
      return;
    }
    this.state = 'stopping';
    const deadline = this.spec.shutdownMs ?? this.lifecycleEnv.defaultStopMs;
    const timedOut = await deadlinePassed(Promise.race([this.requestStop(reason), this.exit()]), deadline);
    if (timedOut) this.recordError(appError('ERR_ACTOR_STOP_TIMEOUT', { actor: this.name, timeoutMs: deadline }));
    await this.kill();
    this.state = 'stopped';
  }

  status(): ActorStatus {
    return {
      kind: 'actor',
      name: this.name,
      state: this.state,
      gen: this.gen,
      restarts: this.restarts,
      uptimeMs: this.state === 'running' ? this.lifecycleEnv.nowMs() - this.startedAt : 0,
      lastError: this.lastError,
    };
  }

  /** The running child died: record why and report it upward. */
  protected crashed(error: AlphaPandaError): void {
    this.recordError(error);
    this.state = 'crashed';
    this.onDown({ kind: 'crash', code: error.code, message: error.message });
  }

  protected recordError(e: AlphaPandaError): void {
    this.lastError = { code: e.code, message: e.message, at: this.lifecycleEnv.nowMs() };
  }
}
