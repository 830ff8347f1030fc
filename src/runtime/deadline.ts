// Small promise helpers shared by the worker and process child handles: racing a lifecycle step
// against the child's exit and a deadline, without leaking timers.

/**
 * Resolves with `step`'s outcome, or rejects with `onExit()` if the child exits first, or with
 * `onTimeout()` after `timeoutMs`. The timer is always cleared.
 */
export async function raceStep<T>(step: Promise<T>, exited: Promise<unknown>, onExit: () => Error, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      step,
      exited.then(() => {
        throw onExit();
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `done` (errors count as done) or the deadline; true when the deadline won. */
export async function deadlinePassed(done: Promise<unknown>, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      done.then(
        () => false,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
