// fs-native-extensions ships no type definitions; these cover the lock calls the instance lock
// (src/startup/instance-lock.ts) uses. On Linux the locks are open-file-description locks
// (F_OFD_SETLK): held by one file descriptor, released when it closes or the process dies.
declare module 'fs-native-extensions' {
  export interface LockOptions {
    /** A shared (read) lock instead of the default exclusive one. */
    readonly shared?: boolean;
  }
  /** True when the lock was granted, false when another descriptor holds it; throws on other errors. */
  export function tryLock(fd: number, options?: LockOptions): boolean;
  export function tryLock(fd: number, offset: number, length: number, options?: LockOptions): boolean;
  export function unlock(fd: number, offset?: number, length?: number): void;
}
