// Glue of the risk manager without workers: config → limits, signal shape checks, verdict payloads,
// the verdict batch (positions + outbox written with the state), catch-up from a real temp LMDB
// fill log, and control-command arguments.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootDatabase } from 'lmdb';
import { AppConfigSchema } from '../../../src/config.js';
import { openStore } from '../../../src/store/lmdb.js';
import { K } from '../../../src/store/keyspace.js';
import { commitWrites } from '../../../src/services/portfolio/fill-log.js';
import { catchUpRiskFills, loadRiskBooks, riskWrites } from '../../../src/services/risk/books.js';
import { pendingOutbox, storedPosition, VerdictBatch, type OutboxItem } from '../../../src/services/risk/batch.js';
import { riskLimitsFromConfig } from '../../../src/services/risk/limits.js';
import { parseFlatten, parseKillSwitch, riskStateView } from '../../../src/services/risk/queries.js';
import { parseSignal, verdictOutput } from '../../../src/services/risk/verdict.js';
import { evaluateSignal, positionOf, setKillSwitch } from '../../../src/domain/risk/index.js';
import { rootEvent, IdSource } from '../../../src/protocol/envelope.js';
import { mkRiskFill, mkSignal, T0 } from '../risk/helpers.js';

let db: RootDatabase | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  db = undefined;
  dir = undefined;
});
function store(): RootDatabase {
  dir = mkdtempSync(join(tmpdir(), 'ap-rglue-'));
  db = openStore({ path: dir, durability: 'nosync' });
  return db;
}

const limits = riskLimitsFromConfig(AppConfigSchema.parse({ risk: { maxOrderNotional: 1234.5, dailyLossLimit: 99.99 } }).risk);

describe('config and signals', () => {
  it('converts rupee limits to paise', () => {
    expect(limits).toEqual({ maxPosition: 1000, maxDailyTrades: 50, maxPriceDeviation: 0.1, maxOrderNotional: 123_450, dailyLossLimit: 9_999 });
  });

  it('accepts a well-formed signal and names the first bad field otherwise', () => {
    expect(parseSignal(mkSignal())).toEqual({ ok: true, signal: mkSignal() });
    expect(parseSignal(null)).toEqual({ ok: false, reason: 'payload is not an object' });
    expect(parseSignal({ ...mkSignal(), quantity: 0 })).toMatchObject({ ok: false, reason: expect.stringContaining('quantity') });
    expect(parseSignal({ ...mkSignal(), side: 'HOLD' })).toMatchObject({ ok: false, reason: expect.stringContaining('side') });
    expect(parseSignal({ ...mkSignal(), price: 10.5 })).toMatchObject({ ok: false, reason: expect.stringContaining('price') });
  });

  it('builds validated and rejected payloads with the original rejection text', () => {
    const books = loadRiskBooks({ get: () => undefined, getRange: () => [] } as never, ['paper']);
    const state = books.get('paper')!;
    const v = verdictOutput(mkSignal(), evaluateSignal(state, mkSignal(), limits), 42);
    expect(v).toMatchObject({ suffix: 'signals.validated', type: 'validated_signal', data: { validatedQty: 10, validatedPrice: 1000, ts: 42 } });
    setKillSwitch(state, true, 'drill');
    const r = verdictOutput(mkSignal({ quantity: 2000 }), evaluateSignal(state, mkSignal({ quantity: 2000 }), limits), 43);
    expect(r.suffix).toBe('signals.rejected');
    if (r.type !== 'rejected_signal') throw new Error('expected a rejection');
    expect(r.data.reasons.map((x) => x.rule)).toEqual(['MaxPositionSize', 'MaxOrderNotional', 'KillSwitch']);
    expect(r.data.rejectionReason).toBe(
      'MaxPositionSize: position 2000 would exceed maximum 1000; MaxOrderNotional: order notional 20000.00 exceeds maximum 1234.50; KillSwitch: trading is halted by the kill switch (drill)',
    );
    expect(r.data.checks).toMatchObject({ MaxPositionSize: false, MaxOrderNotional: false, KillSwitch: false, PriceLimit: true });
  });
});

describe('verdict batch', () => {
  it('writes positions of every evaluated signal and the outbox of the batch; the outbox is re-sent only in the same run', async () => {
    const d = store();
    const batch = new VerdictBatch();
    const ev = rootEvent(new IdSource('run1', 'risk', 1), 'risk', 1, { type: 'validated_signal', broker: 'paper', key: 's1:100', data: {} as never });
    const item: OutboxItem = { broker: 'paper', suffix: 'signals.validated', event: ev };
    batch.add('paper', 7, item);
    batch.add('paper', 8);
    expect(batch.hasOpen('paper')).toBe(true);
    const taken = batch.take('risk-manager', 'run1');
    expect(batch.hasOpen('paper')).toBe(false);
    expect(taken.outbox).toEqual([item]);
    expect([...taken.releases]).toEqual([['paper', 8]]);
    await commitWrites(d, 'nosync', taken.writes);
    expect(storedPosition(d, 'risk-manager', 'paper')).toEqual({ epoch: 'run1', seq: 8 });
    expect(pendingOutbox(d, 'risk-manager', 'run1')).toEqual([item]);
    expect(pendingOutbox(d, 'risk-manager', 'run2')).toEqual([]);
    // an empty follow-up batch still records the position and clears the outbox
    const next = batch.take('risk-manager', 'run1');
    await commitWrites(d, 'nosync', next.writes);
    expect(pendingOutbox(d, 'risk-manager', 'run1')).toEqual([]);
    expect(storedPosition(d, 'risk-manager', 'paper')).toEqual({ epoch: 'run1', seq: 8 });
  });

  it('catches up real fills once and persists the watermark with the state', async () => {
    const d = store();
    const f1 = mkRiskFill({ side: 'BUY', quantity: 5, price: 1000 });
    const f2 = mkRiskFill({ side: 'BUY', quantity: 3, price: 1000 });
    await commitWrites(d, 'nosync', [f1, f2].map((f) => ({ kind: 'put', key: K.fill('paper', f.fillSeq), value: f })));
    const books = loadRiskBooks(d, ['paper']);
    const st = books.get('paper')!;
    expect(catchUpRiskFills(d, st)).toEqual({ applied: 2, duplicates: 0 });
    await commitWrites(d, 'nosync', riskWrites(books));
    const again = loadRiskBooks(d, ['paper']).get('paper')!;
    expect(catchUpRiskFills(d, again)).toEqual({ applied: 0, duplicates: 0 });
    expect(positionOf(again, f1.strategyId, f1.token).qty).toBe(8);
    const view = riskStateView(again, limits, T0);
    expect(view.fillWatermark).toBe(f2.fillSeq);
    expect(view.positions).toEqual([{ strategyId: f1.strategyId, token: f1.token, qty: 8 }]);
  });
});

describe('kill-switch arguments', () => {
  it('parses valid commands and rejects bad ones', () => {
    expect(parseKillSwitch({ engaged: true, reason: 'x', broker: 'paper' }, ['paper'])).toEqual({ engaged: true, reason: 'x', broker: 'paper' });
    expect(parseKillSwitch({ engaged: false, reason: '' }, ['paper'])).toEqual({ engaged: false, reason: '' });
    expect(() => parseKillSwitch({ engaged: true, reason: ' ' }, ['paper'])).toThrow(/reason/);
    expect(() => parseKillSwitch({ engaged: 1, reason: 'x' }, ['paper'])).toThrow(/engaged/);
    expect(() => parseKillSwitch({ engaged: true, reason: 'x', broker: 'zerodha' }, ['paper'])).toThrow(/broker/);
  });
});

describe('flatten arguments and verdicts', () => {
  it('parses valid commands and rejects bad ones', () => {
    expect(parseFlatten(null, ['paper'])).toEqual({});
    expect(parseFlatten({ broker: 'paper', strategyId: 'momo' }, ['paper'])).toEqual({ broker: 'paper', strategyId: 'momo' });
    expect(() => parseFlatten({ broker: 'zerodha' }, ['paper'])).toThrow(/broker/);
    expect(() => parseFlatten({ strategyId: '' }, ['paper'])).toThrow(/strategyId/);
    expect(() => parseFlatten({ strategyId: 7 }, ['paper'])).toThrow(/strategyId/);
    expect(() => parseFlatten([1], ['paper'])).toThrow(/ERR_COMMAND_INVALID|expected/);
  });

  it('a command verdict joins the outbox without moving the signal topic position', async () => {
    const d = store();
    const batch = new VerdictBatch();
    batch.add('paper', 4);
    await commitWrites(d, 'nosync', batch.take('risk-manager', 'run1').writes);
    const ev = rootEvent(new IdSource('run1', 'risk', 1), 'risk', 1, { type: 'validated_signal', broker: 'paper', key: 's1:100', data: {} as never });
    const item: OutboxItem = { broker: 'paper', suffix: 'signals.validated', event: ev };
    batch.addCommand(item);
    expect(batch.hasOpen('paper')).toBe(false);
    const taken = batch.take('risk-manager', 'run1');
    expect(taken.outbox).toEqual([item]);
    expect([...taken.releases]).toEqual([]);
    await commitWrites(d, 'nosync', taken.writes);
    expect(storedPosition(d, 'risk-manager', 'paper')).toEqual({ epoch: 'run1', seq: 4 });
    expect(pendingOutbox(d, 'risk-manager', 'run1')).toEqual([item]);
  });
});
