// A behaviour in the OTP sense: the generic part (threads, rings, storage, timers, checkpoints)
// lives in the runtime and the topologies; a service supplies only a callback module of pure,
// typed functions. The same module therefore runs in one thread synchronously (`inline`, the
// backtest), beside others in one worker (`fused`), or alone on a worker (`split`).
//
// Contract every behaviour keeps (what makes checkpoints and exact replays work):
//   - `handle` is deterministic: its effects depend only on the state and the message. Time and
//     randomness come from the message (the tick's own timestamp) or from a seeded source kept in
//     the state. No LMDB, ring, worker, timer or clock API inside a behaviour.
//   - every consequence of a message is emitted through `emit`, synchronously, before `handle`
//     returns; the caller routes emitted messages (to a topic, to the next behaviour, to a reply).
//   - `snapshot(init(c, snapshot(s)))` behaves exactly as `s` for every later message: restoring
//     a checkpoint and replaying the inputs after it regenerates the same effects.

/** The callback module of a service. */
export interface Behaviour<Config, State, In, Out, Snapshot> {
  readonly name: string;
  /** Builds the state from the service's typed config and, after a restart, its last snapshot. */
  init(config: Config, restored: Snapshot | undefined): State;
  /** One message in; every effect out through `emit`, in order. */
  handle(state: State, msg: In, emit: (out: Out) => void): void;
  /** The state as plain data (msgpack/structured-clone safe), captured synchronously at a barrier. */
  snapshot(state: State): Snapshot;
}

/** The message types of a behaviour, for code generic over behaviours. */
export type InOf<B> = B extends Behaviour<unknown, unknown, infer I, unknown, unknown> ? I : never;
export type OutOf<B> = B extends Behaviour<unknown, unknown, unknown, infer O, unknown> ? O : never;
