// Jepsen-style checkers over what the pipeline left in LMDB (docs/reliability.md): the fill set
// (lost / duplicated / unexpected, fillSeq contiguity, agreement with the order records), position
// replay (stored portfolio and risk state + catch-up = foldFills of the whole log, exactly, and the
// cash identity) and orders (one per signal key, ids derived from keys, histories that are paths of
// the transition table). Every checker returns a list of human-readable problems: [] means OK, so a
// failing test prints exactly what is wrong. After retention, `withArchive` merges the archived
// fills and orders back in, so the same checkers fold from fillSeq 1 across the archive boundary,
// and `retentionChecker` proves the stored states + the remaining log are that whole history.
import { open, type RootDatabase } from 'lmdb';
import type { Broker, Fill } from '../../src/domain/types.js';
import { ORDER_TRANSITIONS, type OrderStatus } from '../../src/domain/order/status.js';
import { clientOrderIdFor } from '../../src/domain/order/ids.js';
import { applyFill, exportState, foldFills, importState, strategyBook, type PortfolioStateJson } from '../../src/domain/portfolio/index.js';
import { exportRiskState, importRiskState, onFill, type RiskStateJson } from '../../src/domain/risk/index.js';
import type { EngineStateRecord, StoredOrder } from '../../src/protocol/engine.js';
import { K } from '../../src/store/keyspace.js';
import { readArchive } from '../../src/services/retention/archive.js';
import { freshStore } from '../../src/gateway/store-read.js';

/** Everything the checkers read for one broker. */
export interface StoreDump {
  readonly broker: Broker;
  /** The fill log in key (fillSeq) order. */
  readonly fills: readonly Fill[];
  readonly orders: readonly StoredOrder[];
  readonly portfolio: PortfolioStateJson | undefined;
  readonly risk: RiskStateJson | undefined;
  readonly engine: EngineStateRecord | undefined;
}

type Reader = Pick<RootDatabase, 'get' | 'getRange'>;

/** Reads one broker's records from an open store. */
export function dumpStore(db: Reader, broker: Broker = 'paper'): StoreDump {
  const fills: Fill[] = [];
  for (const { value } of db.getRange(K.fillRange(broker, 0))) fills.push(value as Fill);
  const orders: StoredOrder[] = [];
  for (const { value } of db.getRange(K.orderRange(broker))) orders.push(value as StoredOrder);
  return {
    broker,
    fills,
    orders,
    portfolio: db.get(K.portfolioState(broker)) as PortfolioStateJson | undefined,
    risk: db.get(K.riskState(broker)) as RiskStateJson | undefined,
    engine: db.get(K.engineState(broker)) as EngineStateRecord | undefined,
  };
}

/**
 * Opens the LMDB environment at `path` (same encoding as src/store/lmdb.ts), dumps it and closes it.
 * Call only while no system of THIS process has the environment open (lmdb-js shares one env per
 * process); another process (a child main job) may hold it, LMDB is multi-process safe.
 */
export async function readStoreAt(path: string, broker: Broker = 'paper'): Promise<StoreDump> {
  const reader = openStoreReader(path, broker);
  try {
    return reader.read();
  } finally {
    await reader.close();
  }
}

/** A store another process writes, read again and again (polling) through one open environment. */
export interface StoreReader {
  /** The store as committed now. */
  read(): StoreDump;
  close(): Promise<void>;
}

/**
 * Opens the environment at `path` once for many reads. Opening and closing it per poll, while
 * another process commits, now and then fails inside lmdb-js ("No transaction to renew"); one
 * environment whose read snapshot is renewed before each read (freshStore, as the gateway reads)
 * sees every commit and never that.
 */
export function openStoreReader(path: string, broker: Broker = 'paper'): StoreReader {
  const db = open({ path, compression: false, encoding: 'msgpack', maxReaders: 256 });
  return {
    read: () => dumpStore(freshStore(db), broker),
    close: () => db.close(),
  };
}

/**
 * One broker's records ACROSS THE ARCHIVE BOUNDARY: the fills and orders retention archived
 * (`<dataDir>/archive`, src/services/retention) merged with what LMDB still holds, so every checker
 * below sees the whole history exactly as if nothing had been deleted. A fill both archived and
 * still logged must be identical (else it is reported in `problems`); an order in both keeps the
 * store's copy (it is the newer one). `archivedFillSeqs` / `archivedOrderIds` say what came from the
 * archive, for {@link retentionChecker}.
 */
export interface ArchiveDump extends StoreDump {
  readonly archivedFillSeqs: ReadonlySet<number>;
  readonly archivedOrderIds: ReadonlySet<string>;
  /** Fills in the LMDB log only (what the managers catch up from). */
  readonly loggedFills: readonly Fill[];
  readonly problems: readonly string[];
}

/** Merges `dump` (LMDB) with the broker's archive under `archiveDir`. */
export function withArchive(dump: StoreDump, archiveDir: string): ArchiveDump {
  const problems: string[] = [];
  const archivedFills = readArchive(archiveDir, dump.broker, 'fills') as Fill[];
  const archivedOrders = readArchive(archiveDir, dump.broker, 'orders') as StoredOrder[];
  const bySeq = new Map<number, Fill>();
  for (const f of archivedFills) {
    if (bySeq.has(f.fillSeq)) problems.push(`fillSeq ${f.fillSeq} archived twice`);
    bySeq.set(f.fillSeq, f);
  }
  for (const f of dump.fills) {
    const a = bySeq.get(f.fillSeq);
    if (a !== undefined && JSON.stringify(a) !== JSON.stringify(f)) problems.push(`fillSeq ${f.fillSeq}: archive and log differ`);
    bySeq.set(f.fillSeq, f);
  }
  const orders = new Map<string, StoredOrder>();
  const archivedIds = new Set<string>();
  for (const o of archivedOrders) {
    if (archivedIds.has(o.orderId)) problems.push(`order ${o.orderId} archived twice`);
    archivedIds.add(o.orderId);
    orders.set(o.orderId, o);
  }
  for (const o of dump.orders) orders.set(o.orderId, o);
  return {
    ...dump,
    fills: [...bySeq.values()].sort((a, b) => a.fillSeq - b.fillSeq),
    orders: [...orders.values()],
    loggedFills: dump.fills,
    archivedFillSeqs: new Set(archivedFills.map((f) => f.fillSeq)),
    archivedOrderIds: archivedIds,
    problems,
  };
}

/**
 * Retention's own invariants on an {@link ArchiveDump}: every archived fill is at or below the fill
 * watermark of both the stored portfolio and risk states (so their snapshot + the LMDB log is the
 * whole history: no fill they still need is gone), none is still logged, the LMDB log is one
 * contiguous run above the archived prefix, every archived order is terminal and out of LMDB, and
 * no order-index entry points at a deleted order.
 */
export function retentionChecker(d: ArchiveDump, db?: Reader): string[] {
  const problems = [...d.problems];
  const pw = d.portfolio?.brokers.find((b) => b.broker === d.broker)?.dedup.watermark ?? -1;
  const rw = d.risk?.dedup.watermark ?? -1;
  for (const seq of d.archivedFillSeqs) {
    if (seq > pw || seq > rw) problems.push(`archived fillSeq ${seq} is above a watermark (portfolio ${pw}, risk ${rw})`);
  }
  for (const f of d.loggedFills) if (d.archivedFillSeqs.has(f.fillSeq)) problems.push(`fillSeq ${f.fillSeq} is both archived and logged`);
  const logged = d.loggedFills.map((f) => f.fillSeq);
  const maxArchived = Math.max(0, ...d.archivedFillSeqs);
  logged.forEach((seq, i) => {
    if (seq !== maxArchived + 1 + i) problems.push(`log position ${i + 1} holds fillSeq ${seq}, expected ${maxArchived + 1 + i} after the archive`);
  });
  for (const o of d.orders) {
    if (d.archivedOrderIds.has(o.orderId) && !ORDER_TERMINAL.has(o.status)) problems.push(`archived order ${o.orderId} is ${o.status}, not terminal`);
  }
  if (db !== undefined) {
    // An archived order may still be stored only if it changed after archiving; a deleted one
    // must have lost all three index entries in the same transaction
    for (const id of d.archivedOrderIds) {
      if (db.get(K.order(d.broker, id)) === undefined && db.get(K.orderSeqOf(d.broker, id)) !== undefined) problems.push(`deleted order ${id} still has its order-seq-of entry`);
    }
    for (const { value } of db.getRange({ start: ['order-by-seq', d.broker, 0], end: ['order-by-seq', d.broker, Number.MAX_SAFE_INTEGER] })) {
      const [id] = value as readonly [string, string];
      if (db.get(K.order(d.broker, id)) === undefined) problems.push(`order-by-seq entry points at deleted order ${id}`);
    }
    for (const { value } of db.getRange({ start: ['order-by-strat', d.broker, ''], end: ['order-by-strat', d.broker, '\uffff'] })) {
      const [id] = value as readonly [string, string];
      if (db.get(K.order(d.broker, id)) === undefined) problems.push(`order-by-strat entry points at deleted order ${id}`);
    }
  }
  return problems;
}

const ORDER_TERMINAL: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['Filled', 'Canceled', 'Expired', 'Rejected']);

/** Result of {@link fillSetChecker}; every list empty means the fill log is sound. */
export interface FillSetReport {
  /** Acknowledged tradeIds missing from the log (P1). */
  readonly lost: string[];
  /** tradeIds logged more than once (P2). */
  readonly duplicated: string[];
  /** Logged fills neither acknowledged, maybe-acknowledged, nor explained by their order record. */
  readonly unexpected: string[];
  /** fillSeq is not exactly 1..n, or a fill belongs to another broker. */
  readonly sequence: string[];
  /** Orders whose filled quantity / fill count / notional / fees disagree with their fills. */
  readonly orderMismatch: string[];
}

/** Input of {@link fillSetChecker}. */
export interface FillSetInput {
  readonly dump: StoreDump;
  /** tradeIds known to have been acknowledged (published after commit); default none. */
  readonly acked?: Iterable<string>;
  /** tradeIds whose acknowledgement is indeterminate (either outcome is fine). */
  readonly maybe?: Iterable<string>;
}

/**
 * Fill-set checker. With no acknowledgement history a logged fill is "expected" when its order
 * record accounts for it (tradeId `${orderId}-${n}` with n ≤ fillCount, same instrument and side):
 * the engine commits orders and fills in one transaction, so the two must agree exactly.
 */
export function fillSetChecker(input: FillSetInput): FillSetReport {
  const { dump } = input;
  const stored = dump.fills;
  const ids = new Map<string, number>();
  for (const f of stored) ids.set(f.tradeId, (ids.get(f.tradeId) ?? 0) + 1);
  const acked = new Set(input.acked ?? []);
  const maybe = new Set(input.maybe ?? []);
  const orders = new Map(dump.orders.map((o) => [o.orderId, o]));

  const lost = [...acked].filter((id) => !ids.has(id));
  const duplicated = [...ids].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  const explained = (f: Fill): boolean => {
    const o = orders.get(f.orderId);
    if (o === undefined || !f.tradeId.startsWith(`${f.orderId}-`)) return false;
    const n = Number(f.tradeId.slice(f.orderId.length + 1));
    return Number.isSafeInteger(n) && n >= 1 && n <= o.fillCount && o.token === f.token && o.side === f.side && o.strategyId === f.strategyId;
  };
  const unexpected = stored.filter((f) => !acked.has(f.tradeId) && !maybe.has(f.tradeId) && !explained(f)).map((f) => `${f.tradeId} (fillSeq ${f.fillSeq})`);

  const sequence: string[] = [];
  stored.forEach((f, i) => {
    if (f.fillSeq !== i + 1) sequence.push(`log position ${i + 1} holds fillSeq ${f.fillSeq}`);
    if (f.broker !== dump.broker) sequence.push(`fillSeq ${f.fillSeq} is a ${f.broker} fill in the ${dump.broker} log`);
  });

  const orderMismatch: string[] = [];
  const byOrder = new Map<string, Fill[]>();
  for (const f of stored) {
    const list = byOrder.get(f.orderId) ?? [];
    list.push(f);
    byOrder.set(f.orderId, list);
  }
  for (const o of dump.orders) {
    const fs = byOrder.get(o.orderId) ?? [];
    const qty = fs.reduce((a, f) => a + f.quantity, 0);
    const notional = fs.reduce((a, f) => a + f.price * f.quantity, 0);
    const fees = fs.reduce((a, f) => a + f.fees, 0);
    const want = `filledQty ${o.filledQty}, fills ${o.fillCount}, notional ${o.filledNotional}, fees ${o.fees}`;
    const got = `filledQty ${qty}, fills ${fs.length}, notional ${notional}, fees ${fees}`;
    if (want !== got) orderMismatch.push(`${o.orderId}: order says ${want}; log says ${got}`);
  }
  for (const id of byOrder.keys()) if (!orders.has(id)) orderMismatch.push(`fills of unknown order ${id}`);
  return { lost, duplicated, unexpected, sequence, orderMismatch };
}

/** An empty {@link FillSetReport}, for `toEqual`. */
export const CLEAN_FILL_SET: FillSetReport = { lost: [], duplicated: [], unexpected: [], sequence: [], orderMismatch: [] };

/** Result of {@link positionReplayChecker}. */
export interface PositionReport {
  /** Fills after the stored portfolio watermark that the check applied (the live manager would too). */
  readonly caughtUp: number;
  /** Differences between stored portfolio (+ catch-up) and foldFills(log). */
  readonly portfolio: string[];
  /** Differences between stored risk positions (+ catch-up) and the fold. */
  readonly risk: string[];
  /** Strategy books violating cash = start + Σ realized − Σ cost basis − Σ fees. */
  readonly cash: string[];
}

/** Options of {@link positionReplayChecker}. */
export interface PositionOptions {
  /** Starting cash per (broker, strategy), paise (config paper.startingCash × 100). */
  readonly startingCash: number;
  /** Require a stored risk state (default true when the dump has one). */
  readonly requireRisk?: boolean;
}

const posKey = (strategyId: string, token: number): string => `${strategyId}/${token}`;

/**
 * Bank-style position replay (P3): the stored portfolio state, caught up with the log fills after
 * its watermark exactly as the manager does on start, must equal foldFills(every logged fill) —
 * positions, cost bases, realized PnL, fees, fill counts, cash and the dedup watermark. Market
 * marks (lastPrices) are tick-driven, not fill-driven, and are left out.
 */
export function positionReplayChecker(dump: StoreDump, opts: PositionOptions): PositionReport {
  const portfolio: string[] = [];
  const risk: string[] = [];
  const cash: string[] = [];
  const folded = foldFills(dump.fills, { startingCash: opts.startingCash, ...(dump.portfolio !== undefined ? { dedupWindow: dump.portfolio.dedupWindow } : {}) });
  // The portfolio manager opens the book of every enabled strategy at start: a stored book without
  // a position is a strategy that never traded, and the fold gets the same (empty) book to compare
  for (const b of dump.portfolio?.brokers ?? []) {
    for (const st of b.strategies) if (st.positions.length === 0) strategyBook(folded, b.broker, st.strategyId);
  }
  const want = exportState(folded);
  let caughtUp = 0;
  if (dump.portfolio === undefined) {
    if (dump.fills.length > 0) portfolio.push(`no stored portfolio state but ${dump.fills.length} logged fills`);
  } else {
    const live = importState(dump.portfolio);
    const watermark = live.brokers.get(dump.broker)?.dedup.watermark ?? -1;
    for (const f of dump.fills) if (f.fillSeq > watermark && applyFill(live, f).ok) caughtUp += 1;
    const got = exportState(live);
    if (got.startingCash !== want.startingCash) portfolio.push(`startingCash ${got.startingCash} ≠ ${want.startingCash}`);
    const flat = (s: PortfolioStateJson): Map<string, unknown> => {
      const m = new Map<string, unknown>();
      for (const b of s.brokers) {
        m.set(`${b.broker} dedup`, JSON.stringify(b.dedup));
        for (const st of b.strategies) {
          m.set(`${b.broker}/${st.strategyId} cash`, `${st.cash} (start ${st.startingCash})`);
          for (const p of st.positions) m.set(`${b.broker}/${posKey(st.strategyId, p.token)}`, JSON.stringify(p));
        }
      }
      return m;
    };
    const g = flat(got);
    const w = flat(want);
    for (const k of new Set([...g.keys(), ...w.keys()])) {
      const a = g.get(k);
      const b = w.get(k);
      if (a !== b) portfolio.push(`${k}: stored ${k.endsWith('dedup') ? '(dedup state)' : String(a)} ≠ fold ${k.endsWith('dedup') ? '(dedup state)' : String(b)}`);
    }
    for (const b of got.brokers) {
      for (const st of b.strategies) {
        const sum = st.positions.reduce((a, p) => ({ r: a.r + p.realizedPnl, c: a.c + p.costBasis, f: a.f + p.fees }), { r: 0, c: 0, f: 0 });
        const expect = st.startingCash + sum.r - sum.c - sum.f;
        if (st.cash !== expect) cash.push(`${b.broker}/${st.strategyId}: cash ${st.cash} ≠ start + realized − cost − fees = ${expect}`);
      }
    }
  }

  const requireRisk = opts.requireRisk ?? dump.risk !== undefined;
  if (dump.risk === undefined) {
    if (requireRisk && dump.fills.length > 0) risk.push('no stored risk state');
  } else {
    const rs = importRiskState(dump.risk);
    for (const f of dump.fills) if (f.fillSeq > rs.dedup.watermark) onFill(rs, f);
    const got = new Map(exportRiskState(rs).positions.map((p) => [posKey(p.strategyId, p.token), `${p.qty}@${p.costBasis}`]));
    const exp = new Map<string, string>();
    for (const st of want.brokers.find((b) => b.broker === dump.broker)?.strategies ?? []) {
      for (const p of st.positions) exp.set(posKey(st.strategyId, p.token), `${p.qty}@${p.costBasis}`);
    }
    for (const k of new Set([...got.keys(), ...exp.keys()])) {
      if (got.get(k) !== exp.get(k)) risk.push(`${k}: risk ${String(got.get(k))} ≠ fold ${String(exp.get(k))}`);
    }
  }
  return { caughtUp, portfolio, risk, cash };
}

/** Legal single steps of the transition table: from → set of reachable statuses. */
const STEPS: ReadonlyMap<OrderStatus, ReadonlySet<OrderStatus>> = new Map(
  (Object.entries(ORDER_TRANSITIONS) as [OrderStatus, Readonly<Record<string, OrderStatus>>][]).map(([from, row]) => [from, new Set(Object.values(row))]),
);

/**
 * Order checker (P4, P5): ids unique and derived from the signal key (root orders) or the parent
 * order (bracket exits), one order per signal key, history a path of the transition table
 * starting at Initialized and ending at the current status, 0 ≤ filledQty ≤ qty, Filled ⇔ full.
 */
export function orderChecker(orders: readonly StoredOrder[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, StoredOrder>();
  const byKey = new Map<string, string>();
  for (const o of orders) {
    if (byId.has(o.orderId)) problems.push(`order ${o.orderId} stored twice`);
    byId.set(o.orderId, o);
    const other = byKey.get(o.signalKey);
    if (other !== undefined) problems.push(`signal key ${o.signalKey} has orders ${other} and ${o.orderId}`);
    byKey.set(o.signalKey, o.orderId);
  }
  for (const o of orders) {
    if (o.parentOrderId === null) {
      const id = clientOrderIdFor(o.broker, o.signalKey);
      if (o.orderId !== id) problems.push(`${o.orderId}: expected id ${id} from signal key ${o.signalKey}`);
    } else {
      const parent = byId.get(o.parentOrderId);
      const suffix = o.orderId.slice(o.parentOrderId.length + 1);
      if (parent === undefined) problems.push(`${o.orderId}: parent ${o.parentOrderId} is not stored`);
      else if (!o.orderId.startsWith(`${o.parentOrderId}-`) || o.signalKey !== `${parent.signalKey}:${suffix}`) {
        problems.push(`${o.orderId}: bracket exit id/key do not derive from parent ${o.parentOrderId}`);
      }
    }
    const h = o.history;
    if (h.length === 0 || h[0]!.status !== 'Initialized') problems.push(`${o.orderId}: history does not start at Initialized`);
    for (let i = 1; i < h.length; i++) {
      const from = h[i - 1]!.status;
      const to = h[i]!.status;
      if (!(STEPS.get(from)?.has(to) ?? false)) problems.push(`${o.orderId}: illegal step ${from} → ${to} in ${h.map((e) => e.status).join(' → ')}`);
    }
    if (h.length > 0 && h[h.length - 1]!.status !== o.status) problems.push(`${o.orderId}: status ${o.status} but history ends at ${h[h.length - 1]!.status}`);
    if (o.filledQty < 0 || o.filledQty > o.qty) problems.push(`${o.orderId}: filledQty ${o.filledQty} outside [0, ${o.qty}]`);
    if ((o.status === 'Filled') !== (o.filledQty === o.qty && o.qty > 0)) problems.push(`${o.orderId}: status ${o.status} with ${o.filledQty}/${o.qty} filled`);
  }
  return problems;
}

/** `${runId}.${source}.${gen}.${seq}` → source (see IdSource). */
export function idSource(id: string): string | undefined {
  const parts = id.split('.');
  return parts.length >= 4 ? parts.slice(1, -2).join('.') : undefined;
}

/**
 * Correlation checker: every order caused by a signal stores the validated-signal envelope as its
 * origin — an event of the risk manager — whose correlation and trace ids are those of the root
 * `trading_signal` the strategy runner emitted (so they differ from the event id). Bracket exits
 * carry their parent's origin. Each root order has its own signal, so correlation ids are unique.
 */
export function correlationChecker(orders: readonly StoredOrder[]): string[] {
  const problems: string[] = [];
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  const seen = new Map<string, string>();
  for (const o of orders) {
    const origin = o.origin;
    if (origin === null) {
      problems.push(`${o.orderId}: no origin`);
      continue;
    }
    if (o.parentOrderId !== null) {
      const p = byId.get(o.parentOrderId);
      if (p !== undefined && JSON.stringify(p.origin) !== JSON.stringify(origin)) problems.push(`${o.orderId}: origin differs from parent ${p.orderId}`);
      continue;
    }
    // Risk is the risk manager or a trading core; signals come from the strategy runner or a fused core
    const risk = idSource(origin.eventId) ?? '';
    if (risk !== 'risk-manager' && !risk.startsWith('trading-core-')) problems.push(`${o.orderId}: origin event ${origin.eventId} is not a risk event`);
    const root = idSource(origin.correlationId) ?? '';
    if (root !== 'strategy-runner' && !root.startsWith('trading-core-')) problems.push(`${o.orderId}: correlation ${origin.correlationId} is not a strategy signal`);
    if (origin.traceId !== origin.correlationId) problems.push(`${o.orderId}: trace ${origin.traceId} ≠ correlation ${origin.correlationId}`);
    if (origin.eventId === origin.correlationId) problems.push(`${o.orderId}: origin is its own correlation root`);
    const other = seen.get(origin.correlationId);
    if (other !== undefined) problems.push(`${o.orderId} and ${other} share correlation ${origin.correlationId}`);
    seen.set(origin.correlationId, o.orderId);
  }
  return problems;
}

/** Every fill of `earlier` is still in `later`, identical (committed data survives later kills): the missing or changed ones. */
export function keptAll(earlier: readonly Fill[], later: StoreDump): string[] {
  const bySeq = new Map(later.fills.map((f) => [f.fillSeq, f]));
  return earlier.filter((f) => JSON.stringify(bySeq.get(f.fillSeq)) !== JSON.stringify(f)).map((f) => `${f.tradeId} (fillSeq ${f.fillSeq})`);
}
