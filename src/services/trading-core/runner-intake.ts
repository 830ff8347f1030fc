// A split trading core's intake of the strategy runner's ring (`{broker}.signals.raw`): signals,
// watermarks and cuts, in ring order (src/services/strategy/cuts.ts has the protocol). Pure
// bookkeeping, no I/O: which signals are new, how far ticks may run (event time), which runner cut
// the next checkpoint names, and where a feed must rewind so the runner can resume from that cut.
//
// Invariants:
//   - a signal is handled at most once per lineage: ordinals (Envelope.seq) only go up, and one at
//     or below the last handled is a regenerated copy (a restarted runner resumed from its cut);
//   - the gate only goes up: a tick is handled once a watermark, a signal or a cut has passed it,
//     so risk and the venue see a tick before any signal it produced;
//   - the cut named is at or before this core's own position (the runner sent it after every
//     signal it covers), so the rewind point is min(the cut's feed position, the core's).
import type { CheckpointRecord, RunnerCutRef } from '../../protocol/checkpoint.js';
import type { CutData, Envelope, WatermarkData } from '../../protocol/envelope.js';
import type { TradingSignal } from '../../domain/types.js';
import { parseSignal } from '../risk/verdict.js';

/** What one record of the runner's ring asks of the core. */
export type IntakeStep =
  /** Handle every tick up to `through` (no signal in this record). */
  | { readonly kind: 'ticks'; readonly through: number }
  /** Handle the ticks up to the signal's own, then the signal. */
  | { readonly kind: 'signal'; readonly signal: TradingSignal; readonly through: number }
  /** Handled already (a regenerated copy). */
  | { readonly kind: 'replayed' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** What a checkpoint of the core records about the runner. */
export interface IntakeCheckpoint {
  /** Where a rewinding feed must start for the runner (and so for everyone). */
  readonly rewindTo: number;
  readonly runner: RunnerCutRef | null;
  readonly lastSigSeq: number;
}

export class RunnerIntake {
  /** The runner's last signal ordinal handled. */
  lastSigSeq: number;
  /** Ticks with a ring seq up to this may be handled. */
  gate = -1;
  private cut: RunnerCutRef | null;
  private rewind: number;

  /** `restored`: the core's last completed checkpoint, if any. */
  constructor(restored: CheckpointRecord | undefined) {
    this.lastSigSeq = restored?.consumed?.lastSigSeq ?? -1;
    this.cut = restored?.runner ?? null;
    // Before any cut the runner's state is the empty one before the first tick (feed position 0)
    this.rewind = restored?.runner != null ? (restored.replay?.nextFeedSeq ?? restored.journal?.nextFeedSeq ?? 0) : 0;
  }

  accept(env: Envelope | undefined): IntakeStep {
    switch (env?.type) {
      case 'watermark':
        return this.pass((env.data as WatermarkData).tickSeq);
      case 'cut': {
        const cut = env.data as CutData;
        this.cut = { n: cut.n, nextSigSeq: cut.nextSigSeq };
        this.rewind = cut.nextFeedSeq;
        return this.pass(cut.tickSeq);
      }
      case 'trading_signal': {
        if (typeof env.seq === 'number' && env.seq <= this.lastSigSeq) return { kind: 'replayed' };
        const parsed = parseSignal(env.data);
        if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
        if (typeof env.seq === 'number') this.lastSigSeq = env.seq;
        const through = parsed.signal.tickSeq ?? this.gate;
        if (through > this.gate) this.gate = through;
        return { kind: 'signal', signal: parsed.signal, through };
      }
      default:
        return { kind: 'invalid', reason: `expected a trading_signal event, was ${String(env?.type)}` };
    }
  }

  /** The checkpoint fields of a core whose own next feed position is `nextFeedSeq`. */
  checkpoint(nextFeedSeq: number): IntakeCheckpoint {
    return { rewindTo: Math.min(this.rewind, nextFeedSeq), runner: this.cut, lastSigSeq: this.lastSigSeq };
  }

  private pass(tickSeq: number): IntakeStep {
    if (tickSeq > this.gate) this.gate = tickSeq;
    return { kind: 'ticks', through: tickSeq };
  }
}
