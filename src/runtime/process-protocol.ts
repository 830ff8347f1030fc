// IPC protocol between the main thread and a process child (ProcessSpec). Messages use Node's
// 'advanced' serialization (structured clone), so plain objects and typed arrays pass as they are.
import type { Tick } from '../domain/types.js';
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

/**
 * One frame of the stream tap (bridge.ts, stream-wire.ts): every tick it carried in publish order
 * (not coalesced: consumers coalesce if they want the latest only) and every event, in order.
 */
export interface StreamBatch {
  readonly ticks: readonly Tick[];
  readonly events: readonly { readonly topic: string; readonly seq: number; readonly msg: unknown }[];
  /** Records the tap could not forward (ring laps, frames skipped for a slow child), per topic. */
  readonly dropped: Readonly<Record<string, number>>;
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
  /** Receives stream batches from the tap (one per frame, on the socketpair at fd STREAM_FD). */
  onStream(handler: (batch: StreamBatch) => void): void;
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
