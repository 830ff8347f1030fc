// OTP-style supervisor running in the main thread. Children start in spec order and stop in
// reverse; a child that goes down is restarted according to its restart type and the strategy
// (one_for_one, one_for_all, rest_for_one), after a jittered backoff; more than maxRestarts in
// periodMs makes the supervisor stop its whole subtree, become HALTED and report 'shutdown' to its
// parent (so a transient subtree is not restarted and the rest of the system stays up).
// Invariant: all lifecycle operations of one supervisor run one at a time (a promise queue).
import { appError } from '../errors.js';
import { OsProcess, type ProcessEnv } from './process-child.js';
import { ActorProcess, type ActorEnv, type ActorStatus, type ChildState, type DownReason, type LastError } from './child.js';
import { backoffDelay, recordRestart, type RestartWindow } from './restart-window.js';
import type { ChildSpec, SupervisorSpec } from './tree.js';

export interface SupervisorStatus {
  readonly kind: 'supervisor';
  readonly name: string;
  readonly state: ChildState;
  readonly strategy: SupervisorSpec['strategy'];
  readonly restarts: number;
  readonly lastError: LastError | null;
  readonly children: readonly (ActorStatus | SupervisorStatus)[];
}

export type ChildHandle = ActorProcess | OsProcess | Supervisor;

/** Observer of lifecycle events (logging, metrics, tests). */
export interface SupervisorEvents {
  onChildDown?(supervisor: string, child: string, reason: DownReason): void;
  onRestart?(supervisor: string, children: readonly string[], delayMs: number): void;
  onHalted?(supervisor: string, error: LastError): void;
  onStarted?(supervisor: string, child: string): void;
  onStopped?(supervisor: string, child: string): void;
}

export interface SupervisorEnv extends ActorEnv, ProcessEnv {
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly events: SupervisorEvents;
}

export class Supervisor {
  state: ChildState = 'stopped';
  restarts = 0;
  gen = 0;
  lastError: LastError | null = null;
  onDown: (reason: DownReason) => void = () => undefined;
  readonly children: ChildHandle[];
  private window: RestartWindow = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: SupervisorSpec,
    private readonly env: SupervisorEnv,
  ) {
    this.children = spec.children.map((c) => this.makeChild(c));
  }

  get name(): string {
    return this.spec.name;
  }

  /** Starts every child in order. Resolves when running or halted (check `state`). */
  start(): Promise<void> {
    return this.enqueue(async () => {
      this.gen += 1;
      this.state = 'starting';
      this.window = [];
      this.prepare();
      for (let i = 0; i < this.children.length; i++) {
        if (this.state !== 'starting') return;
        const ok = await this.startWithRetry([this.children[i]!]);
        if (!ok) return;
      }
      if (this.state === 'starting') this.state = 'running';
    });
  }

  /**
   * Spawns every child of this subtree ahead of the ordered start (see ChildLifecycle.prepare):
   * start order and semantics are unchanged, only Node's and the modules' loading overlaps.
   */
  prepare(): void {
    for (const c of this.children) c.prepare();
  }

  /** Kills the prepared, never started workers and processes of this subtree. */
  async discardPrepared(): Promise<void> {
    for (const c of this.children) await c.discardPrepared();
  }

  /** Stops children in reverse start order. */
  stop(reason: string): Promise<void> {
    // Flip the state now, not when the queue reaches us: a start() stuck in backoff sees it and
    // gives up instead of delaying shutdown.
    if (this.state === 'starting' || this.state === 'running') this.state = 'stopping';
    return this.enqueue(async () => {
      if (this.state === 'stopped' || this.state === 'halted') return;
      this.state = 'stopping';
      await this.stopChildren(this.children, reason);
      this.state = 'stopped';
    });
  }

  status(): SupervisorStatus {
    return {
      kind: 'supervisor',
      name: this.name,
      state: this.state,
      strategy: this.spec.strategy,
      restarts: this.restarts,
      lastError: this.lastError,
      children: this.children.map((c) => c.status()),
    };
  }

  /** Depth-first search for an actor by name. */
  find(name: string): ActorProcess | undefined {
    const c = this.findChild(name);
    return c instanceof ActorProcess ? c : undefined;
  }

  /** Depth-first search for any child (actor, process or supervisor) by name. */
  findChild(name: string): ChildHandle | undefined {
    for (const c of this.children) {
      if (c.name === name) return c;
      if (c instanceof Supervisor) {
        const f = c.findChild(name);
        if (f !== undefined) return f;
      }
    }
    return undefined;
  }

  /** Heartbeat sweep over the subtree. */
  checkHeartbeats(nowMs: number, hangTimeoutMs: number): void {
    for (const c of this.children) {
      if (c instanceof Supervisor) c.checkHeartbeats(nowMs, hangTimeoutMs);
      else c.checkHeartbeat(nowMs, hangTimeoutMs);
    }
  }

  private makeChild(spec: ChildSpec): ChildHandle {
    const child =
      spec.kind === 'actor'
        ? new ActorProcess(spec, this.env)
        : spec.kind === 'process'
          ? new OsProcess(spec, this.env)
          : new Supervisor(spec, this.env);
    child.onDown = (reason) => {
      this.env.events.onChildDown?.(this.name, child.name, reason);
      void this.enqueue(() => this.handleDown(child, reason));
    };
    return child;
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private shouldRestart(child: ChildHandle, reason: DownReason): boolean {
    switch (child.spec.restart) {
      case 'permanent':
        return true;
      case 'transient':
        return reason.kind === 'crash';
      case 'temporary':
        return false;
    }
  }

  private async handleDown(child: ChildHandle, reason: DownReason): Promise<void> {
    if (this.state !== 'running' && this.state !== 'starting') return;
    if (!this.shouldRestart(child, reason)) {
      child.state = reason.kind === 'crash' ? 'crashed' : child.state === 'halted' ? 'halted' : 'stopped';
      return;
    }
    const idx = this.children.indexOf(child);
    const targets =
      this.spec.strategy === 'one_for_one'
        ? [child]
        : this.spec.strategy === 'one_for_all'
          ? this.children
          : this.children.slice(idx);
    // Siblings restarted alongside the failed child are stopped cleanly first, in reverse order.
    await this.stopChildren(targets.filter((c) => c !== child), 'sibling restart');
    await this.startWithRetry(targets, reason);
  }

  /**
   * Restarts `targets` in order, counting each attempt against the intensity window, sleeping a
   * jittered backoff before every attempt after a failure. Returns false if the supervisor halted.
   */
  private async startWithRetry(targets: readonly ChildHandle[], failure?: DownReason): Promise<boolean> {
    let pending: DownReason | undefined = failure;
    for (;;) {
      if (pending !== undefined) {
        const verdict = recordRestart(this.window, this.env.nowMs(), this.spec.intensity);
        this.window = verdict.window;
        if (verdict.exceeded) {
          await this.halt(targets[0]?.name ?? '?', pending);
          return false;
        }
        const delay = backoffDelay(verdict.window.length, this.spec.backoff, this.env.random());
        for (const t of targets) t.state = 'restarting';
        this.env.events.onRestart?.(this.name, targets.map((t) => t.name), delay);
        await this.env.sleep(delay);
        if (this.state !== 'running' && this.state !== 'starting') return false;
        this.restarts += 1;
        for (const t of targets) t.restarts += 1;
      }
      pending = undefined;
      let failedAt = -1;
      for (let i = 0; i < targets.length; i++) {
        const t = targets[i]!;
        try {
          await t.start();
          this.env.events.onStarted?.(this.name, t.name);
          if (t instanceof Supervisor && t.state === 'halted' && t.spec.restart === 'permanent') {
            throw new Error(`subtree ${t.name} halted`);
          }
        } catch (e) {
          failedAt = i;
          pending = { kind: 'crash', message: (e as Error).message };
          break;
        }
      }
      if (failedAt < 0) return true;
      // A child that dies while starting counts as a crash: stop what started after it and retry
      // from it, so a crash-on-start loops only as fast as the backoff allows.
      await this.stopChildren(targets.slice(0, failedAt), 'restart after start failure');
    }
  }

  private async stopChildren(children: readonly ChildHandle[], reason: string): Promise<void> {
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i]!;
      if (c.state === 'running' || c.state === 'starting' || c.state === 'restarting') {
        await c.stop(reason);
        this.env.events.onStopped?.(this.name, c.name);
      } else {
        await c.discardPrepared();
      }
    }
  }

  private async halt(child: string, reason: DownReason): Promise<void> {
    const error = appError('ERR_SUPERVISOR_HALTED', {
      supervisor: this.name,
      maxRestarts: this.spec.intensity.maxRestarts,
      periodMs: this.spec.intensity.periodMs,
      child,
      reason: reason.message,
    });
    this.lastError = { code: error.code, message: error.message, at: this.env.nowMs() };
    this.state = 'stopping';
    await this.stopChildren(this.children, 'supervisor halted');
    for (const c of this.children) if (c.state === 'restarting' || c.state === 'crashed') c.state = 'stopped';
    this.state = 'halted';
    this.env.events.onHalted?.(this.name, this.lastError);
    // OTP: a supervisor that gives up exits with reason 'shutdown'; its parent restarts it only if
    // it is permanent, so a transient trading subtree stays HALTED while the rest keeps running.
    this.onDown({ kind: 'shutdown', code: error.code, message: error.message });
  }
}
