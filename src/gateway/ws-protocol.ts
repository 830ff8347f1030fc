// The WebSocket protocol at the trust boundary: client commands are parsed with zod (never trusted),
// server messages are typed here. Trading commands (cancel, submit, kill-switch) are recognised only
// to be refused with ERR_WS_FORBIDDEN: nothing a WebSocket client sends ever reaches an actor.
import { z } from 'zod';
import { err, ok, type ErrorCode, type Result } from '../errors.js';
import { BROKER_TOPICS, MARKET_TICKS, brokerTopic } from '../protocol/topics.js';
import type { Broker } from '../domain/types.js';

/** The extra stream carrying actor health and pipeline status (~every 2 s). */
export const SYSTEM_HEALTH = 'system.health';

/** Most instrument tokens one connection may filter on. */
export const MAX_TOKEN_FILTER = 5000;

/** Every stream a client may subscribe to for the given brokers. */
export function availableStreams(brokers: readonly Broker[]): string[] {
  return [MARKET_TICKS, ...brokers.flatMap((b) => BROKER_TOPICS.map((s) => brokerTopic(b, s))), SYSTEM_HEALTH];
}

const streamList = z.array(z.string().min(1).max(64)).min(1).max(64);
const tokenList = z.array(z.number().int().min(1).max(0xffffffff)).min(1).max(MAX_TOKEN_FILTER);

const Command = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('subscribe'), streams: streamList, tokens: tokenList.optional(), depth: z.boolean().optional(), mode: z.enum(['latest', 'every']).optional() }),
  z.strictObject({ op: z.literal('unsubscribe'), streams: streamList, tokens: tokenList.optional() }),
  z.strictObject({ op: z.literal('ping'), id: z.union([z.string().max(64), z.number()]).optional() }),
  z.strictObject({ op: z.literal('format'), ticks: z.enum(['json', 'binary']) }),
]);

/**
 * How a client receives market.ticks: `latest` coalesces to the newest tick per instrument (the
 * dashboard's choice: bounded by the instrument count whatever the rate), `every` delivers every
 * tick in publish order through a bounded per-client buffer whose overflow is counted and reported
 * as a `dropped` message at the place of the gap.
 */
export type TickMode = 'latest' | 'every';

/** A valid client command. */
export type ClientCommand = z.output<typeof Command>;

/** Ops that would act on trading; refused over WebSocket whatever the scope (use REST). */
export const TRADING_OPS: readonly string[] = ['cancel', 'submit', 'order', 'kill-switch', 'killSwitch', 'flatten'];

/** Why a command was refused; `strike` says whether it counts towards the bad-input close. */
export interface CommandError {
  readonly code: Extract<ErrorCode, 'ERR_WS_BAD_COMMAND' | 'ERR_WS_FORBIDDEN'>;
  readonly reason: string;
  readonly strike: boolean;
}

const bad = (reason: string): CommandError => ({ code: 'ERR_WS_BAD_COMMAND', reason, strike: true });

/** Parses one text message against the protocol and the streams this gateway serves. */
export function parseCommand(text: string, streams: ReadonlySet<string>): Result<ClientCommand, CommandError> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err(bad('expected a JSON object, was not valid JSON'));
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return err(bad('expected a JSON object'));
  const op = (raw as Record<string, unknown>)['op'];
  if (typeof op === 'string' && TRADING_OPS.includes(op)) {
    return err({ code: 'ERR_WS_FORBIDDEN', reason: `"${op}" is not accepted over WebSocket; use the REST API with a trade-scope token`, strike: false });
  }
  const parsed = Command.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    const reason = typeof op !== 'string' ? 'expected "op" to be one of subscribe, unsubscribe, ping, format' : `${issue?.message ?? 'invalid'}${where}`;
    return err(bad(reason));
  }
  const cmd = parsed.data;
  if (cmd.op === 'subscribe' || cmd.op === 'unsubscribe') {
    const unknown = cmd.streams.filter((s) => !streams.has(s));
    if (unknown.length > 0) return err(bad(`unknown stream(s) ${unknown.slice(0, 5).join(', ')}; expected some of ${[...streams].join(', ')}`));
  }
  return ok(cmd);
}

/** Messages the server sends (JSON text frames; ticks may also go as binary frames). */
export type ServerMessage =
  | { readonly type: 'welcome'; readonly streams: readonly string[]; readonly scopes: readonly string[]; readonly gen: number; readonly limits: Readonly<Record<string, number>> }
  | { readonly type: 'subscribed'; readonly streams: readonly string[]; readonly tokens: readonly number[] | null; readonly mode: TickMode }
  | { readonly type: 'unsubscribed'; readonly streams: readonly string[]; readonly tokens: readonly number[] | null }
  | { readonly type: 'format'; readonly ticks: 'json' | 'binary' }
  | { readonly type: 'pong'; readonly id: string | number | null; readonly ts: number }
  | { readonly type: 'health'; readonly data: unknown }
  | { readonly type: 'dropped'; readonly stream: string; readonly count: number }
  | { readonly type: 'error'; readonly code: ErrorCode; readonly message: string };
