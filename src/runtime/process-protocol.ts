// IPC protocol between the main thread and a process child (ProcessSpec). Messages use Node's
// 'advanced' serialization (structured clone), so plain objects and typed arrays pass as they are.
import type { FrameBody } from './stream-wire.js';
import type { Durability } from '../store/lmdb.js';

/** The extra stdio fd of a process child carrying the stream tap's frames (a socketpair). */
export const STREAM_FD = 4;

export interface ProcessBoot {
  readonly name: string;
  /** Absolute file URL of the process module (default export: ProcessFactory). */
  readonly moduleUrl: string;
  readonly gen: number;
  readonly runId: string;
  readonly config: unknown;
  readonly logLevel: string;
  readonly redactKeys: readonly string[];
  readonly heartbeatMs: number;
  readonly store?: { readonly path: string; readonly durability: Durability };
  readonly args: Readonly<Record<string, unknown>>;
}

export type MainToHost =
  /** Sent when the process is forked ahead of its start: import the module, run nothing yet. */
  | { readonly type: 'preload'; readonly moduleUrl: string }
  | { readonly type: 'boot'; readonly boot: ProcessBoot }
  | { readonly type: 'stop'; readonly reason: string }
  | { readonly type: 'call'; readonly id: number; readonly command: string; readonly arg: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

export type HostToMain =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly message: string }
  | { readonly type: 'hb' }
  | { readonly type: 'request'; readonly id: number; readonly command: string; readonly arg: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

/** What a process module's factory receives; `C` is the system's config type (see defineProcess). */
export interface ProcessContext<C = unknown> {
  readonly name: string;
  readonly gen: number;
  readonly runId: string;
  readonly config: C;
  readonly args: Readonly<Record<string, unknown>>;
  readonly log: import('pino').Logger;
  readonly store: import('lmdb').RootDatabase | undefined;
  /** Asks the main thread (actor status, control calls on actors). */
  request(command: string, arg?: unknown): Promise<unknown>;
  /**
   * Receives the tap's frames (stream-wire.ts) from the socketpair at fd STREAM_FD, undecoded: the
   * child knows its topics' records (the gateway decodes with src/gateway/stream-batch.ts). A
   * handler that throws on a corrupt frame crashes the child, which is restarted with a fresh pair.
   */
  onStream(handler: (frame: FrameBody) => void): void;
}

export interface ProcessInstance {
  stop?(reason: string): void | Promise<void>;
  call?(command: string, arg: unknown): unknown;
}

export type ProcessFactory = (ctx: ProcessContext) => ProcessInstance | Promise<ProcessInstance>;

/**
 * Gives a process module its typed default export: the runtime hands every child the one config
 * object the system was built with (validated on the main thread), as defineActor does for workers.
 */
export function defineProcess<C = unknown>(factory: (ctx: ProcessContext<C>) => ProcessInstance | Promise<ProcessInstance>): ProcessFactory {
  return factory as ProcessFactory;
}
