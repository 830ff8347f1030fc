// Crash points for integration tests, enabled only when the child spec sets `args.testHooks: true`
// (never in the production tree). A crash is an uncaught exception in a later macrotask, exactly
// like a real failure: the worker dies and the supervisor restarts it from LMDB.
import { appError, isAppError } from '../../errors.js';

/** Where to crash: now, right after the next commit (before its effects are published), or after n more events. */
export type CrashPoint = { readonly at: 'now' } | { readonly at: 'after-commit' } | { readonly at: 'after-events'; readonly n: number };

/**
 * Crashes the worker from a fresh macrotask. A real failure passed as `cause` (a catalogued error,
 * e.g. ERR_STORE_FULL from a refused commit) is thrown itself, so its code and hint reach the log
 * and the status instead of a generic message.
 */
export function crashSoon(reason: string, cause?: unknown): void {
  setImmediate(() => {
    throw isAppError(cause) ? cause : new Error(`test hook: ${reason}`);
  });
}

/** Armed crash points of one actor incarnation. */
export class CrashHooks {
  private afterCommit = false;
  private eventsLeft = -1;

  constructor(
    private readonly enabled: boolean,
    private readonly command: string,
  ) {}

  /** Arms a crash point; throws ERR_COMMAND_INVALID when hooks are disabled or the point is unknown. */
  arm(arg: unknown): CrashPoint {
    if (!this.enabled) throw appError('ERR_COMMAND_INVALID', { command: this.command, reason: 'test hooks are disabled' });
    const a = (arg ?? {}) as { at?: unknown; n?: unknown };
    if (a.at === 'now') {
      crashSoon('crash now');
      return { at: 'now' };
    }
    if (a.at === 'after-commit') {
      this.afterCommit = true;
      return { at: 'after-commit' };
    }
    if (a.at === 'after-events' && typeof a.n === 'number' && Number.isInteger(a.n) && a.n > 0) {
      this.eventsLeft = a.n;
      return { at: 'after-events', n: a.n };
    }
    throw appError('ERR_COMMAND_INVALID', { command: this.command, reason: `unknown crash point ${JSON.stringify(arg)}` });
  }

  /** Call after each handled event. */
  onEvent(): void {
    if (this.eventsLeft < 0) return;
    this.eventsLeft -= 1;
    if (this.eventsLeft === 0) crashSoon('crash after events');
  }

  /** Call right after a commit resolves and before its effects are published: throws when armed. */
  onCommitted(): void {
    if (!this.afterCommit) return;
    this.afterCommit = false;
    throw new Error('test hook: crash after commit');
  }
}
