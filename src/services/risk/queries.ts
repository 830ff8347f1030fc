// Read views and command arguments of the risk manager's control plane (gateway, tests). Command
// arguments come from clients through the gateway: bad ones are ERR_COMMAND_INVALID.
import { appError } from '../../errors.js';
import { dailyNetRealized, dailyTradeCount, istDay, type FlattenRequest, type RiskLimits, type RiskState } from '../../domain/risk/index.js';
import type { Broker, Paise } from '../../domain/types.js';
import type { FlattenCommand, KillSwitchCommand } from '../../protocol/risk.js';
import { parseBroker } from '../portfolio/queries.js';

/** Reply of `call('risk-state', {broker})` (the dedup's recent trade ids are left out: large, internal). */
export interface RiskStateView {
  readonly broker: Broker;
  readonly limits: RiskLimits;
  readonly killSwitch: { readonly engaged: boolean; readonly reason: string };
  readonly fillWatermark: number;
  /** IST day number of `nowMs`, and the figures of that day. */
  readonly day: number;
  readonly dailyNetRealized: Paise;
  readonly dailyTrades: readonly { readonly strategyId: string; readonly count: number }[];
  readonly positions: readonly { readonly strategyId: string; readonly token: number; readonly qty: number }[];
  readonly lastPrices: number;
}

/** The view of one broker's risk state at `nowMs`. */
export function riskStateView(state: RiskState, limits: RiskLimits, nowMs: number): RiskStateView {
  const day = istDay(nowMs);
  const positions: { strategyId: string; token: number; qty: number }[] = [];
  for (const [strategyId, byToken] of [...state.positions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    for (const [token, lot] of [...byToken].sort((a, b) => a[0] - b[0])) if (lot.qty !== 0) positions.push({ strategyId, token, qty: lot.qty });
  }
  return {
    broker: state.broker,
    limits,
    killSwitch: { ...state.killSwitch },
    fillWatermark: state.dedup.watermark,
    day,
    dailyNetRealized: dailyNetRealized(state, day),
    dailyTrades: [...state.dailyTrades.keys()].sort().map((strategyId) => ({ strategyId, count: dailyTradeCount(state, strategyId, day) })),
    positions,
    lastPrices: state.lastPrices.size,
  };
}

/** Parses `call('kill-switch', …)`'s argument. */
export function parseKillSwitch(arg: unknown, brokers: readonly Broker[]): KillSwitchCommand {
  const a = arg !== null && typeof arg === 'object' && !Array.isArray(arg) ? (arg as Record<string, unknown>) : {};
  if (typeof a['engaged'] !== 'boolean') {
    throw appError('ERR_COMMAND_INVALID', { command: 'kill-switch', reason: `expected engaged to be a boolean, was ${JSON.stringify(a['engaged'])}` });
  }
  const reason = a['reason'];
  if (typeof reason !== 'string' || (a['engaged'] && reason.trim().length === 0) || reason.length > 500) {
    throw appError('ERR_COMMAND_INVALID', { command: 'kill-switch', reason: 'expected a reason string (non-empty when engaging, at most 500 characters)' });
  }
  return {
    engaged: a['engaged'],
    reason,
    ...(a['broker'] !== undefined ? { broker: parseBroker('kill-switch', a['broker'], brokers) } : {}),
  };
}

/** Parses `call('flatten', …)`'s argument (`{ broker?, strategyId?, token? }`, or null for everything). */
export function parseFlatten(arg: unknown, brokers: readonly Broker[]): FlattenCommand {
  if (arg !== null && arg !== undefined && (typeof arg !== 'object' || Array.isArray(arg))) {
    throw appError('ERR_COMMAND_INVALID', { command: 'flatten', reason: 'expected { broker?, strategyId?, token? }' });
  }
  const a = (arg ?? {}) as Record<string, unknown>;
  const strategyId = a['strategyId'];
  if (strategyId !== undefined && (typeof strategyId !== 'string' || strategyId.length === 0 || strategyId.length > 100)) {
    throw appError('ERR_COMMAND_INVALID', { command: 'flatten', reason: 'expected strategyId to be a string of 1 to 100 characters' });
  }
  const token = a['token'];
  if (token !== undefined && (typeof token !== 'number' || !Number.isSafeInteger(token) || token <= 0)) {
    throw appError('ERR_COMMAND_INVALID', { command: 'flatten', reason: `expected token to be a positive integer, was ${JSON.stringify(token)}` });
  }
  return {
    ...(a['broker'] !== undefined ? { broker: parseBroker('flatten', a['broker'], brokers) } : {}),
    ...(strategyId !== undefined ? { strategyId } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

/** What to close, at event time `ts`: the command's strategy and instrument filters, when given. */
export function flattenRequest(cmd: FlattenCommand, ts: number): FlattenRequest {
  return { ts, ...(cmd.strategyId !== undefined ? { strategyId: cmd.strategyId } : {}), ...(cmd.token !== undefined ? { token: cmd.token } : {}) };
}
