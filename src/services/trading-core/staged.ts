// What a checkpointing trading core holds between two checkpoints, and how it becomes what the
// checkpoint writes and then releases. On the tick path the core only appends the step's outputs as
// plain data (no envelope, id or JSON work per tick); at capture they become, in order, the signal
// envelopes, the verdict envelopes (children of their signal) and the venue work items (orders and
// fills, children of the verdict that caused them), so correlation and causation ids are what the
// split actors publish. After the checkpoint commits, `release` publishes them in that order.
import type { RiskVerdict } from '../../domain/risk/index.js';
import type { Broker, TradingSignal } from '../../domain/types.js';
import { childEvent, rootEvent, type Envelope, type IdSource } from '../../protocol/envelope.js';
import type { VenueCause, VenueEvent } from '../../protocol/trading.js';
import type { BrokerTopicSuffix } from '../../protocol/topics.js';
import { envelopeFor } from '../engine/messages.js';
import type { CommitPlan, WorkItem } from '../engine/plan.js';
import { verdictOutput } from '../risk/verdict.js';

/**
 * One step output worth keeping, as data. `parent` is a signal that came over a ring (split
 * topology): already published by the strategy runner, it is only the parent of its verdict.
 */
export type StagedOutput =
  | { readonly kind: 'signal'; readonly signal: TradingSignal }
  | { readonly kind: 'parent'; readonly env: Envelope }
  | { readonly kind: 'verdict'; readonly signal: TradingSignal; readonly verdict: RiskVerdict }
  | { readonly kind: 'work'; readonly cause: VenueCause; readonly events: readonly VenueEvent[] };

type SignalTopic = Extract<BrokerTopicSuffix, 'signals.raw' | 'signals.validated' | 'signals.rejected'>;
type Released = { readonly kind: 'event'; readonly topic: SignalTopic; readonly env: Envelope } | { readonly kind: 'work'; readonly item: WorkItem };

/** A captured batch: the released sequence in order, and its venue work for planBatch. */
export interface PreparedBatch {
  readonly sequence: readonly Released[];
  readonly items: readonly WorkItem[];
}

const keyOf = (s: TradingSignal): string => `${s.strategyId}:${s.token}`;

/** Builds the envelopes of `staged` (ids from `ids`, source `source`); see the file header. */
export function prepareBatch(staged: readonly StagedOutput[], broker: Broker, ids: IdSource, source: string): PreparedBatch {
  const sequence: Released[] = [];
  const items: WorkItem[] = [];
  let signalEnv: Envelope | null = null;
  let verdictEnv: Envelope | null = null;
  for (const s of staged) {
    switch (s.kind) {
      case 'signal':
        signalEnv = rootEvent(ids, source, s.signal.ts, { type: 'trading_signal', broker, key: keyOf(s.signal), data: s.signal });
        sequence.push({ kind: 'event', topic: 'signals.raw', env: signalEnv });
        break;
      case 'parent':
        signalEnv = s.env;
        break;
      case 'verdict': {
        // The step emits a signal's verdict right after the signal: its envelope is the parent
        const v = verdictOutput(s.signal, s.verdict, s.signal.ts);
        const spec = { type: v.type, broker, key: keyOf(s.signal), data: v.data };
        verdictEnv = signalEnv === null ? rootEvent(ids, source, v.data.ts, spec) : childEvent(signalEnv, ids, source, v.data.ts, spec);
        sequence.push({ kind: 'event', topic: v.suffix, env: verdictEnv });
        break;
      }
      case 'work': {
        const item: WorkItem = { parent: s.cause === 'submit' ? verdictEnv : null, events: s.events };
        items.push(item);
        sequence.push({ kind: 'work', item });
        break;
      }
    }
  }
  return { sequence, items };
}

/**
 * Publishes a committed batch in the order it happened: signal and verdict events as they are, and
 * the messages planBatch made of each work item right where the item stood. Returns how many order
 * messages went out per topic.
 */
export function releaseBatch(
  batch: PreparedBatch,
  plan: CommitPlan,
  send: (topic: SignalTopic | CommitPlan['messages'][number]['topic'], env: Envelope) => void,
  broker: Broker,
  ids: IdSource,
  source: string,
  nowMs: number,
): void {
  let m = 0;
  let itemIndex = -1;
  for (const s of batch.sequence) {
    if (s.kind === 'event') {
      send(s.topic, s.env);
      continue;
    }
    // planBatch emits the messages of item i before those of item i + 1
    itemIndex++;
    for (; m < plan.messages.length && plan.messages[m]!.item === itemIndex; m++) {
      const msg = plan.messages[m]!;
      send(msg.topic, envelopeFor(msg, s.item.parent, broker, ids, source, nowMs));
    }
  }
}
