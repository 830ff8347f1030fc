// Topic names and their validation (docs/original-system.md §2): `market.ticks` is shared; every other
// topic is `{broker}.{domain}.{event}` with a known broker, plus `{topic}.dlq`. Wiring is checked
// once when the tree is built, so a bad name is a start-up error, never a run-time crash.
import { err, ok, type Result } from '../errors.js';
import { BROKERS, type Broker } from '../domain/types.js';

export const MARKET_TICKS = 'market.ticks';

/** Per-broker topic suffixes (domain.event) the system knows. */
export const BROKER_TOPICS = [
  'signals.raw',
  'signals.validated',
  'signals.rejected',
  'orders.submitted',
  'orders.filled',
  'orders.failed',
  'pnl.snapshots',
] as const;
export type BrokerTopicSuffix = (typeof BROKER_TOPICS)[number];

/**
 * Per-broker topics of the trading path only: validated like the ones above, but neither streamed to
 * clients nor staged by the monitor (they are not pipeline events). `orders.updates`: the broker's own
 * order reports (KiteTicker `order` text messages) from the market feed to that broker's engine.
 */
export const BROKER_INTERNAL_TOPICS = ['orders.updates'] as const;
export type BrokerInternalSuffix = (typeof BROKER_INTERNAL_TOPICS)[number];

/** `{broker}.{suffix}` of an internal topic. */
export function brokerInternalTopic(broker: Broker, suffix: BrokerInternalSuffix): string {
  return `${broker}.${suffix}`;
}

export type TopicInfo =
  | { readonly kind: 'market'; readonly topic: string }
  | { readonly kind: 'broker'; readonly topic: string; readonly broker: Broker; readonly suffix: BrokerTopicSuffix | BrokerInternalSuffix }
  | { readonly kind: 'dlq'; readonly topic: string; readonly parent: TopicInfo };

export type TopicError =
  | { readonly code: 'ERR_TOPIC_INVALID'; readonly topic: string; readonly reason: string }
  | { readonly code: 'ERR_TOPIC_UNKNOWN_BROKER'; readonly topic: string; readonly broker: string; readonly expected: string };

/** Builds `{broker}.{suffix}`; typed so only known combinations compile. */
export function brokerTopic(broker: Broker, suffix: BrokerTopicSuffix): string {
  return `${broker}.${suffix}`;
}

export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Parses and validates a topic name. */
export function parseTopic(topic: string): Result<TopicInfo, TopicError> {
  if (topic.endsWith('.dlq')) {
    const parent = parseTopic(topic.slice(0, -4));
    if (!parent.ok) return parent;
    if (parent.value.kind === 'dlq') return err({ code: 'ERR_TOPIC_INVALID', topic, reason: 'a DLQ of a DLQ is not allowed' });
    return ok({ kind: 'dlq', topic, parent: parent.value });
  }
  if (topic === MARKET_TICKS) return ok({ kind: 'market', topic });
  const dot = topic.indexOf('.');
  if (dot <= 0) return err({ code: 'ERR_TOPIC_INVALID', topic, reason: 'expected {broker}.{domain}.{event}' });
  const prefix = topic.slice(0, dot);
  const suffix = topic.slice(dot + 1);
  if (prefix === 'market') return err({ code: 'ERR_TOPIC_INVALID', topic, reason: `the only market topic is ${MARKET_TICKS}` });
  if (!(BROKERS as readonly string[]).includes(prefix)) {
    return err({ code: 'ERR_TOPIC_UNKNOWN_BROKER', topic, broker: prefix, expected: BROKERS.join(', ') });
  }
  if ((BROKER_INTERNAL_TOPICS as readonly string[]).includes(suffix)) return ok({ kind: 'broker', topic, broker: prefix as Broker, suffix: suffix as BrokerInternalSuffix });
  if (!(BROKER_TOPICS as readonly string[]).includes(suffix)) {
    return err({ code: 'ERR_TOPIC_INVALID', topic, reason: `unknown event "${suffix}", expected one of ${BROKER_TOPICS.join(', ')}` });
  }
  return ok({ kind: 'broker', topic, broker: prefix as Broker, suffix: suffix as BrokerTopicSuffix });
}

/** The broker a topic belongs to, or 'shared' for market data (DLQs inherit their parent's). */
export function topicBroker(info: TopicInfo): Broker | 'shared' {
  switch (info.kind) {
    case 'market':
      return 'shared';
    case 'broker':
      return info.broker;
    case 'dlq':
      return topicBroker(info.parent);
  }
}
