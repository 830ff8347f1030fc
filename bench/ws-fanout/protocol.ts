// IPC contract of the ws-fanout bench (G8) between the parent suite, the server child (one per
// server kind) and the client child (many `ws` client sockets). Frames are self-describing: the
// gateway's binary tick frame carries the phase id in `token`, the sequence number in `volume`,
// the warm-up/measured flag in `oi`, the scheduled injection time in `exchangeTs` and the
// tick-in time in `lastTradeTs` (just before fan-out; for tap-fed kinds just before the ring
// publish), both epoch ms from timeOrigin + now(). A frame may hold several records (tap-fed
// kinds batch what arrived together); clients read every record.
import { FRAME_HEADER_BYTES } from '../../src/gateway/tick-frame.js';

/**
 * Server variants. The first three tick on a timer inside the server process (fan-out cost alone);
 * the tap-fed two get their ticks the way the gateway does in production — published into a real
 * ring in the parent, forwarded by the runtime's stream tap (src/runtime/bridge.ts) over a
 * socketpair — so their latency is feed → client:
 *   gateway-path  the gateway's WsHub (uWS topics, `every` mode) behind the tap
 *   ws-tap        a `ws` broadcast server behind the same tap
 */
export type ServerKind = 'uws-publish' | 'uws-gateway' | 'ws' | 'gateway-path' | 'ws-tap';

/** Kinds fed through the stream tap instead of an in-process timer. */
export const TAP_KINDS: readonly ServerKind[] = ['gateway-path', 'ws-tap'];

/** Byte offsets inside one frame (header + one 72-byte record), for the client's hot path. */
export const OFF_PHASE = FRAME_HEADER_BYTES + 0; // token
export const OFF_SEQ = FRAME_HEADER_BYTES + 24; // volume
export const OFF_MEASURED = FRAME_HEADER_BYTES + 44; // oi
export const OFF_SCHED = FRAME_HEADER_BYTES + 56; // exchangeTs
export const OFF_IN = FRAME_HEADER_BYTES + 64; // lastTradeTs

/** Per-client soft limit (bytes buffered server-side) above which ticks are skipped/coalesced. */
export const SOFT_LIMIT_BYTES = 256 * 1024;

/** Epoch ms with sub-µs resolution, comparable across processes on one box. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export interface CpuDelta {
  readonly userUs: number;
  readonly systemUs: number;
}

export interface GcDelta {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
  readonly heapDeltaBytes: number;
}

// ------------------------------------------------------------------ parent → server
export type ToServer =
  | { readonly type: 'phase'; readonly phase: number; readonly rate: number; readonly ticks: number; readonly warmup: number }
  | { readonly type: 'stop' };

// ------------------------------------------------------------------ server → parent
export interface ServerReady {
  readonly type: 'ready';
  readonly port: number;
  /** The Unix-domain socket path the server listens on instead of the port, if any. */
  readonly path: string | null;
  readonly kind: ServerKind;
  /** How the library was loaded (native binary file, fallback, ws version). */
  readonly impl: string;
}

export interface ServerPhaseDone {
  readonly type: 'phase-done';
  readonly phase: number;
  /** Server CPU over the measured window (first measured tick → after the last tick's flush). */
  readonly cpu: CpuDelta;
  readonly wallMs: number;
  readonly ticksMeasured: number;
  /** Ticks emitted more than one period late (injector could not keep the schedule). */
  readonly lateTicks: number;
  readonly subscribers: number;
  /** Time spent inside the fan-out call per tick (ns histogram counts). */
  readonly fanoutCounts: number[];
  /** Per-socket send calls / skips (coalesced or dropped for backpressure) in the window. */
  readonly sends: number;
  readonly skips: number;
  /** The paused reader, if connected: server-side buffered bytes at the end and skips for it. */
  readonly slow: { readonly buffered: number; readonly skips: number } | null;
  readonly gc: GcDelta;
}

export type FromServer = ServerReady | ServerPhaseDone | { readonly type: 'error'; readonly message: string };

// ------------------------------------------------------------------ parent → client
export type ToClient =
  | { readonly type: 'connect'; readonly url: string; readonly n: number }
  | { readonly type: 'slow-open'; readonly url: string }
  | { readonly type: 'slow-close' }
  | { readonly type: 'report'; readonly phase: number }
  | { readonly type: 'stop' };

// ------------------------------------------------------------------ client → parent
export interface ClientPhaseReport {
  readonly type: 'phase-report';
  readonly phase: number;
  /** Measured frames received by the normal (reading) sockets. */
  readonly deliveries: number;
  /** Measured frames received by the paused socket (expected ≈ 0). */
  readonly slowDeliveries: number;
  /** Sequence gaps seen by normal sockets (frames skipped/coalesced by the server). */
  readonly gaps: number;
  readonly minPerSocket: number;
  readonly maxPerSocket: number;
  /** tick-in (server, just before fan-out) → frame received, ns histogram counts. */
  readonly inCounts: number[];
  /** scheduled injection → frame received (includes injector timer lateness), ns counts. */
  readonly schedCounts: number[];
  /** Client process CPU since the previous report. */
  readonly cpu: CpuDelta;
  readonly cpuWallMs: number;
}

export type FromClient =
  | { readonly type: 'connected'; readonly n: number; readonly ms: number }
  | { readonly type: 'slow-opened' }
  | { readonly type: 'slow-closed' }
  | ClientPhaseReport
  | { readonly type: 'error'; readonly message: string };
