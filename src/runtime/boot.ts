// The boot message the main thread passes to every actor worker (workerData). Everything in it is
// structured-cloneable; SharedArrayBuffers are shared, not copied.
import type { MessagePort } from 'node:worker_threads';
import type { Durability } from '../store/lmdb.js';

export type Transport = 'ring' | 'port';

export interface RingGrant {
  readonly topic: string;
  /** records: fixed-layout binary records (SystemOptions.recordTopics); events: JSON envelopes. */
  readonly kind: 'records' | 'events';
  readonly sab: SharedArrayBuffer;
  readonly role: 'produce' | 'consume';
  readonly consumerIndex?: number;
  readonly lossy?: boolean;
  readonly manualRelease?: boolean;
}

export interface WorkerBoot {
  readonly actor: string;
  /** Absolute file URL of the actor module. */
  readonly moduleUrl: string;
  readonly gen: number;
  readonly runId: string;
  readonly config: unknown;
  readonly logLevel: string;
  /** Extra keys to redact (config app.redactKeys); the built-in secret keys are always redacted. */
  readonly redactKeys: readonly string[];
  readonly heartbeat: { readonly sab: SharedArrayBuffer; readonly index: number; readonly intervalMs: number };
  readonly board: SharedArrayBuffer;
  readonly doorbell: number;
  readonly transport: Transport;
  /** Ring grants (ticks always use a ring; events too when transport is 'ring'). */
  readonly rings: readonly RingGrant[];
  /** Port transport: topics this actor may publish / receives, multiplexed over hubPort. */
  readonly portPublishes: readonly string[];
  readonly portSubscribes: readonly string[];
  readonly hubPort?: MessagePort;
  readonly store?: { readonly path: string; readonly durability: Durability; readonly mapSizeMb?: number };
  readonly args: Readonly<Record<string, unknown>>;
  readonly eventSlotBytes: number;
  /** Honour ActorControl.inject (tests only). */
  readonly faultInjection: boolean;
  /** Rings this actor may observe (counters only), with the subscriber name of each consumer slot. */
  readonly observed: readonly { readonly topic: string; readonly sab: SharedArrayBuffer; readonly consumers: readonly string[] }[];
}

/** Heartbeat words are 16 words apart (one cache line per actor). */
export const HEARTBEAT_STRIDE = 16;
