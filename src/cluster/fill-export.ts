// The fill events a node streams (`{broker}.orders.filled`) are exactly its fill log, for any NATS
// reader: a trading core releases a fill's event only after its checkpoint committed the fill, and
// the bridge stores it in the stream after that, so a node killed in between has the fill in its
// log but not in the stream. At start, the bridge of the node that holds the log sends the missing
// ones first: every fill after the one the stream ends with, rebuilt from the log (the event the
// core would have released, with the order as the store has it now). Message ids are
// `fill.<fillSeq>`, for released and rebuilt events alike, so nothing is stored twice.
import type { RootDatabase } from 'lmdb';
import type { Broker } from '../domain/types.js';
import { envelopeFor } from '../services/engine/messages.js';
import { queryFills } from '../services/engine/queries.js';
import { orderEventKey, summarizeOrder, type OrderFilledPayload, type StoredOrder } from '../protocol/engine.js';
import type { Envelope, IdSource } from '../protocol/envelope.js';
import { parseTopic } from '../protocol/topics.js';
import { K } from '../store/keyspace.js';

/** The broker whose fill events `topic` carries, if it is an `orders.filled` topic. */
export function fillTopicBroker(topic: string): Broker | undefined {
  const t = parseTopic(topic);
  return t.ok && t.value.kind === 'broker' && t.value.suffix === 'orders.filled' ? t.value.broker : undefined;
}

/** The message id of the event of fill `fillSeq`. */
export function fillMsgId(fillSeq: number): string {
  return `fill.${fillSeq}`;
}

/** The fillSeq an `order_filled` event carries (undefined: not one). */
export function fillSeqOfEvent(event: unknown): number | undefined {
  const seq = (event as { data?: { fill?: { fillSeq?: unknown } } } | null)?.data?.fill?.fillSeq;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : undefined;
}

/** Rebuilds the events of the fills after `afterSeq` in `broker`'s log, in fillSeq order. */
export function missingFillEvents(db: RootDatabase, broker: Broker, afterSeq: number, ids: IdSource, source: string, nowMs: number): Envelope[] {
  const out: Envelope[] = [];
  for (let after = afterSeq; ; ) {
    const page = queryFills(db, broker, { limit: 1000, afterSeq: after }).fills;
    for (const fill of page) {
      const order = db.get(K.order(broker, fill.orderId)) as StoredOrder | undefined;
      if (order === undefined) continue;
      const data: OrderFilledPayload = { fill, order: summarizeOrder(order), executionMode: broker };
      out.push(envelopeFor({ topic: 'orders.filled', type: 'order_filled', key: orderEventKey(order), data, item: 0, origin: order.origin }, null, broker, ids, source, nowMs));
    }
    if (page.length < 1000) return out;
    after = page[page.length - 1]!.fillSeq;
  }
}
