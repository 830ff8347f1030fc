// Which downstream stages OWE output: a stage is judged late only while input it must answer is
// waiting, never merely because nothing happened. A risk manager that rejects every signal leaves
// the engine nothing to do; the original then reported "order execution latency too high" (and
// the demo did, once daily limits bound). PURE, mutable, O(1) per event.
// Rules: raw signals are answered by a verdict (validated or rejected); a validated signal by an
// order event (submitted, filled or failed); a fill by a portfolio snapshot. Producers stamp events
// with their own wall clock and an answer is stamped after its input, so an input stamped at or
// before the stage's latest output counts as answered even when the monitor sees it later.

/** Stages that answer an input. */
export const ANSWERING_STAGES = ['risk_validation', 'order_execution', 'portfolio_updates'] as const;
export type AnsweringStage = (typeof ANSWERING_STAGES)[number];

/** Per answering stage: epoch ms of the oldest input still unanswered, or null. */
export type AwaitingView = Readonly<Record<AnsweringStage, number | null>>;

/** What a per-broker topic suffix means for the answering stages. */
const ROLES: Readonly<Record<string, { readonly owes?: AnsweringStage; readonly answers?: AnsweringStage }>> = {
  'signals.raw': { owes: 'risk_validation' },
  'signals.validated': { answers: 'risk_validation', owes: 'order_execution' },
  'signals.rejected': { answers: 'risk_validation' },
  'orders.submitted': { answers: 'order_execution' },
  'orders.failed': { answers: 'order_execution' },
  'orders.filled': { answers: 'order_execution', owes: 'portfolio_updates' },
  'pnl.snapshots': { answers: 'portfolio_updates' },
};

/** Counter stage (StageBook) → the answering stage its events answer. */
const ANSWERED_BY: Readonly<Record<string, AnsweringStage>> = {
  signals_validated: 'risk_validation',
  signals_rejected: 'risk_validation',
  orders: 'order_execution',
  portfolio_updates: 'portfolio_updates',
};

interface Slot {
  /** Oldest unanswered input, epoch ms (after an answer: a lower bound of its age). */
  since: number | null;
  /** Latest input, epoch ms. */
  lastInput: number | null;
  /** Latest answer, epoch ms. */
  lastAnswer: number | null;
}

const freshSlot = (): Slot => ({ since: null, lastInput: null, lastAnswer: null });

/** Tracks unanswered input of one broker's answering stages. */
export class AwaitingBook {
  private readonly slots: Record<AnsweringStage, Slot> = {
    risk_validation: freshSlot(),
    order_execution: freshSlot(),
    portfolio_updates: freshSlot(),
  };

  /** Notes one event of topic suffix `suffix` stamped `atMs`; unknown suffixes are ignored. */
  note(suffix: string, atMs: number): void {
    const role = ROLES[suffix];
    if (role === undefined) return;
    // Answer first: a validated signal answers risk before it becomes the engine's input
    if (role.answers !== undefined) {
      const s = this.slots[role.answers];
      if (s.lastAnswer === null || atMs > s.lastAnswer) s.lastAnswer = atMs;
      // Inputs up to the answer are answered; one newer than it still waits. Its exact arrival is
      // not kept (O(1) state): the latest input's time understates the wait, so a stalled stage is
      // reported at most one threshold later and a working one is never reported
      if (s.since !== null && atMs >= s.since) s.since = s.lastInput !== null && s.lastInput > atMs ? s.lastInput : null;
    }
    if (role.owes !== undefined) {
      const s = this.slots[role.owes];
      if (s.lastInput === null || atMs > s.lastInput) s.lastInput = atMs;
      const answered = s.lastAnswer !== null && atMs <= s.lastAnswer;
      if (!answered && (s.since === null || atMs < s.since)) s.since = atMs;
    }
  }

  /**
   * Drops what `stage`'s answering stage owes, because some of its events were skipped unseen (a
   * lossy subscription lapped): `signals_validated`/`signals_rejected` answer risk, `orders` the
   * engine, `portfolio_updates` the portfolio. Other stages answer nothing.
   */
  forgive(stage: string): void {
    const answering = ANSWERED_BY[stage];
    if (answering !== undefined) this.slots[answering].since = null;
  }

  /** The oldest unanswered input per stage. */
  view(): AwaitingView {
    return {
      risk_validation: this.slots.risk_validation.since,
      order_execution: this.slots.order_execution.since,
      portfolio_updates: this.slots.portfolio_updates.since,
    };
  }
}
