// Which topics the pipeline monitor subscribes to and the stage each one feeds (the same list
// actors/tree.ts grants it). No worker APIs.
import { BROKER_TOPICS, brokerTopic } from '../../protocol/topics.js';
import { stageForSuffix, type BrokerStage } from '../../domain/monitor/stages.js';
import type { Broker } from '../../domain/types.js';

/** One monitored event topic. */
export interface MonitoredTopic {
  readonly topic: string;
  readonly broker: Broker;
  /** Per-broker topic suffix (`orders.filled`), for StageBook.recordTopic. */
  readonly suffix: string;
  readonly stage: BrokerStage;
}

/** Every per-broker event topic of `brokers`, with its stage. */
export function monitoredTopics(brokers: readonly Broker[]): MonitoredTopic[] {
  const out: MonitoredTopic[] = [];
  for (const broker of brokers) {
    for (const suffix of BROKER_TOPICS) {
      const stage = stageForSuffix(suffix);
      if (stage !== undefined) out.push({ topic: brokerTopic(broker, suffix), broker, suffix, stage });
    }
  }
  return out;
}
