// Health history in LMDB (`K.health(broker, ts)`): appends one record per broker and evaluation and
// applies the retention plan (TTL + max count, seed fix 9) in the SAME transaction. Appends are
// chained so commits stay in evaluation order; a failed commit rejects (the actor crashes).
import type { RootDatabase } from 'lmdb';
import { appError } from '../../errors.js';
import type { Durability } from '../../store/lmdb.js';
import { K } from '../../store/keyspace.js';
import type { Broker } from '../../domain/types.js';
import { historyCutoff, planHistoryAppend, toHealthRecord, type HealthRecord, type RetentionPolicy } from '../../domain/monitor/history.js';
import type { BrokerValidation } from '../../domain/monitor/validate.js';

const END = Number.MAX_SAFE_INTEGER;

/** Per-broker key times mirrored in memory, so retention needs no scan per append. */
export class HealthHistoryStore {
  private readonly keys = new Map<string, number[]>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: RootDatabase,
    private readonly durability: Durability,
    private readonly policy: RetentionPolicy,
  ) {}

  /** Reads the stored key times of `brokers` (call once at start). */
  load(brokers: readonly Broker[]): void {
    for (const b of brokers) {
      const range = K.healthRange(b, -END, END);
      const times: number[] = [];
      for (const key of this.db.getKeys(range)) {
        const t = (key as unknown as unknown[])[2];
        if (typeof t === 'number') times.push(t);
      }
      this.keys.set(b, times);
    }
  }

  /** Appends one record per validation and prunes, in one transaction, after earlier appends. */
  append(validations: readonly BrokerValidation[], nowMs: number): Promise<void> {
    const run = async (): Promise<void> => {
      const plans = validations.map((v) => ({ v, plan: planHistoryAppend(this.keys.get(v.broker) ?? [], nowMs, this.policy) }));
      try {
        await this.db.transaction(() => {
          for (const { v, plan } of plans) {
            const b = v.broker as Broker;
            for (const t of plan.remove) void this.db.remove(K.health(b, t));
            void this.db.put(K.health(b, plan.ts), toHealthRecord(v, plan.ts));
          }
        });
        if (this.durability === 'strict') await this.db.flushed;
      } catch (e) {
        throw appError('ERR_STORE_WRITE', { reason: (e as Error).message }, e);
      }
      for (const { v, plan } of plans) this.keys.set(v.broker, [...plan.keep]);
    };
    this.chain = this.chain.then(run);
    return this.chain;
  }

  /** Unexpired records of `broker`, newest first, at most `limit`. */
  read(broker: Broker, limit: number, nowMs: number): HealthRecord[] {
    const range = K.healthRange(broker, historyCutoff(nowMs, this.policy.ttlMs), END);
    const all: HealthRecord[] = [];
    for (const { value } of this.db.getRange(range)) all.push(value as HealthRecord);
    return all.reverse().slice(0, limit);
  }
}
