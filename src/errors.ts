// Error catalogue: every error code Alpha Panda can emit is declared here exactly once, with its
// category and message template. test/unit/errors.test.ts checks that README's table lists exactly
// these codes. Categories follow docs/conventions.md §3:
//   domain   - an expected business outcome, returned as a value (Result), never thrown
//   boundary - untrusted input rejected, counted and logged once; the actor keeps running
//   failure  - a broken invariant or environment failure: thrown, the actor crashes and is restarted
//   startup  - the system refuses to start (bad config, bad wiring); reported at once, exit non-zero

export type ErrorCategory = 'domain' | 'boundary' | 'failure' | 'startup';

export interface ErrorDef {
  readonly category: ErrorCategory;
  /** Message template; `{name}` placeholders are filled from the error's detail object. */
  readonly message: string;
  /** HTTP status for gateway responses, when the error can reach a client. */
  readonly http?: number;
  /** WebSocket close code, when the error closes a client connection. */
  readonly wsClose?: number;
}

export const CATALOGUE = {
  // start-up and configuration
  ERR_CONFIG_INVALID: { category: 'startup', message: 'invalid configuration: {summary}' },
  ERR_CONFIG_FILE: { category: 'startup', message: 'cannot read config file {path}: {reason}' },
  ERR_TREE_INVALID: { category: 'startup', message: 'invalid supervision tree: {reason}' },
  ERR_PLACEMENT_INVALID: { category: 'startup', message: 'invalid cluster placement: {reason}' },
  ERR_NATS_UNREACHABLE: { category: 'startup', message: 'NATS server {url} cannot be used: {reason}' },
  ERR_CLUSTER_MESSAGE_INVALID: { category: 'boundary', message: 'a message on {subject} was refused: {reason}' },
  ERR_NATS_PUBLISH: { category: 'failure', message: 'publishing to {subject} failed (retried): {reason}' },
  ERR_TOPIC_INVALID: { category: 'startup', message: 'invalid topic name "{topic}": {reason}' },
  ERR_TOPIC_BROKER_MISMATCH: {
    category: 'startup',
    message: 'actor "{actor}" for broker "{broker}" cannot use topic "{topic}" of broker "{topicBroker}"',
  },
  ERR_TOPIC_UNKNOWN_BROKER: {
    category: 'startup',
    message: 'topic "{topic}" names broker "{broker}", expected one of {expected}',
  },
  ERR_TOPIC_NOT_GRANTED: {
    category: 'startup',
    message: 'actor "{actor}" asked to {mode} topic "{topic}" which its child spec does not grant',
  },
  ERR_TOPIC_NO_PUBLISHER: { category: 'startup', message: 'topic "{topic}" is subscribed by {actors} but has no publisher' },
  ERR_TOPIC_MANY_PUBLISHERS: { category: 'startup', message: 'topic "{topic}" has several publishers ({actors}); rings are single-producer' },
  ERR_STORE_UNAVAILABLE: { category: 'failure', message: 'LMDB store at {path} is not ready: {reason}' },
  ERR_BROKER_UNSUPPORTED: { category: 'startup', message: 'broker "{broker}" has no trading-engine adapter; supported: {supported}' },
  ERR_INSTANCE_LOCKED: {
    category: 'startup',
    message: '{path} is locked by another Alpha Panda instance (pid {pid}); one instance per data dir',
  },
  ERR_DATA_DIR: { category: 'startup', message: 'data directory {path} is not usable: {reason}' },
  ERR_API_PORT_BUSY: { category: 'startup', message: 'API address {host}:{port} is not available: {reason}' },
  ERR_STRATEGY_UNKNOWN_INSTRUMENT: {
    category: 'startup',
    message: 'strategy "{strategyId}" lists instrument {token}, which the instrument registry does not know ({source})',
  },

  // actor runtime
  ERR_ACTOR_START_TIMEOUT: { category: 'failure', message: 'actor "{actor}" did not start within {timeoutMs} ms' },
  ERR_ACTOR_STOP_TIMEOUT: { category: 'failure', message: 'actor "{actor}" did not stop within {timeoutMs} ms and was terminated' },
  ERR_ACTOR_HUNG: { category: 'failure', message: 'actor "{actor}" missed its heartbeat for {silentMs} ms and was terminated' },
  ERR_ACTOR_EXITED: { category: 'failure', message: 'actor "{actor}" exited unexpectedly with code {exitCode}' },
  ERR_ACTOR_CRASHED: { category: 'failure', message: 'actor "{actor}" crashed: {reason}' },
  ERR_ACTOR_OOM: { category: 'failure', message: 'actor "{actor}" ran out of memory (resourceLimits)' },
  ERR_ACTOR_NOT_RUNNING: { category: 'boundary', message: 'actor "{actor}" is not running (state {state})', http: 503 },
  ERR_ACTOR_UNKNOWN: { category: 'boundary', message: 'no actor named "{actor}"', http: 404 },
  ERR_COMMAND_INVALID: { category: 'boundary', message: 'control command "{command}" rejected: {reason}', http: 400 },
  ERR_SUPERVISOR_HALTED: {
    category: 'failure',
    message: 'supervisor "{supervisor}" exceeded {maxRestarts} restarts in {periodMs} ms (last: {child}: {reason}) and halted',
  },
  ERR_PROTOCOL_MISMATCH: { category: 'startup', message: 'actor "{actor}" speaks protocol v{actual}, expected v{expected}' },

  // transport
  ERR_RING_CONFIG: { category: 'startup', message: 'invalid ring configuration: {reason}' },
  ERR_RING_RECORD_TOO_LARGE: { category: 'failure', message: 'record of {bytes} bytes does not fit a {slotBytes}-byte slot on "{topic}"' },
  ERR_RING_NO_CONSUMER_SLOT: { category: 'startup', message: 'ring "{topic}" has no free consumer slot (max {max})' },
  ERR_BACKPRESSURE: { category: 'boundary', message: 'ring "{topic}" is full: consumer "{consumer}" is {lag} records behind' },
  ERR_FRAME_BAD_MAGIC: { category: 'boundary', message: 'tick frame has bad magic {magic}' },
  ERR_FRAME_BAD_VERSION: { category: 'boundary', message: 'tick frame version {version} is not supported' },
  ERR_FRAME_BAD_LENGTH: { category: 'boundary', message: 'tick frame length {length} is invalid (expected {expected})' },
  ERR_FRAME_BAD_VALUE: { category: 'boundary', message: 'tick frame field {field} has invalid value {value}' },
  ERR_FRAME_KITE_TRUNCATED: { category: 'boundary', message: 'KiteTicker frame ends inside a packet at byte {offset} (needs {value}); rest of the frame skipped' },
  ERR_FRAME_KITE_PACKET_LENGTH: { category: 'boundary', message: 'KiteTicker packet at byte {offset} has unknown length {value}; packet skipped' },
  ERR_FRAME_KITE_SEGMENT: { category: 'boundary', message: 'KiteTicker packet at byte {offset} has unknown segment {value}; packet skipped' },
  ERR_FRAME_KITE_TRAILING: { category: 'boundary', message: 'KiteTicker frame has {value} bytes after its last packet (byte {offset})' },

  // persistence
  ERR_STORE_WRITE: { category: 'failure', message: 'LMDB write failed: {reason}' },
  ERR_STORE_SCHEMA: { category: 'failure', message: 'stored record {key} has schema v{version}, expected v{expected}' },
  ERR_STORE_FULL: {
    category: 'failure',
    message: 'LMDB store {path} is full ({reason}); committed data is intact and trading halts. Raise STORE__MAP_SIZE_MB or shorten STORE__RETENTION_DAYS (or free disk space), then restart',
  },
  ERR_ARCHIVE_WRITE: { category: 'failure', message: 'retention could not archive {what} to {path}: {reason}; nothing was deleted, next round retries' },

  // domain outcomes: risk (values, never thrown)
  ERR_RISK_MAX_POSITION: { category: 'domain', message: 'position {position} would exceed maximum {max}' },
  ERR_RISK_MAX_DAILY_TRADES: { category: 'domain', message: 'daily trade limit {max} reached for strategy {strategyId} on {broker}' },
  ERR_RISK_PRICE_DEVIATION: { category: 'domain', message: 'price deviation {deviationPct}% exceeds limit {limitPct}%' },
  ERR_RISK_MAX_NOTIONAL: { category: 'domain', message: 'order notional {notional} exceeds maximum {max}' },
  ERR_RISK_DAILY_LOSS: { category: 'domain', message: 'daily loss {loss} reached limit {max} for {broker}' },
  ERR_RISK_KILL_SWITCH: { category: 'domain', message: 'trading is halted by the kill switch ({reason})' },
  ERR_RISK_NOT_TRADABLE: { category: 'domain', message: 'instrument {token} may not be ordered: {reason}' },

  // domain outcomes: orders and the paper broker
  ERR_ORDER_BAD_TRANSITION: { category: 'domain', message: 'order {orderId}: expected a transition from {from}, was {event}' },
  ERR_ORDER_DUPLICATE: { category: 'domain', message: 'order {orderId} already exists' },
  ERR_ORDER_UNKNOWN: { category: 'domain', message: 'no order {orderId} in the current session', http: 404 },
  ERR_ORDER_MODIFY_INVALID: { category: 'domain', message: 'order {orderId} cannot be modified: {reason}', http: 400 },
  ERR_ORDER_MODIFY_UNSUPPORTED: { category: 'domain', message: 'broker {broker} does not support modifying orders; cancel and place a new one', http: 400 },
  ERR_FILL_DUPLICATE: { category: 'domain', message: 'fill {tradeId} was already applied' },
  ERR_FILL_INVALID: { category: 'failure', message: 'fill {tradeId} is invalid: {reason}' },
  ERR_PAPER_PRICE_BELOW_MIN: { category: 'domain', message: 'price {price} below minimum {min}' },
  ERR_PAPER_PRICE_ABOVE_MAX: { category: 'domain', message: 'price {price} above maximum {max}' },
  ERR_PAPER_INSTRUMENT_NOT_ALLOWED: { category: 'domain', message: 'instrument {token} is not allowed' },
  ERR_PAPER_NOT_TRADABLE: { category: 'domain', message: 'instrument {token} is not tradable: {reason}' },
  ERR_PAPER_QTY_BELOW_MIN: { category: 'domain', message: 'quantity {quantity} below minimum {min}' },
  ERR_PAPER_QTY_ABOVE_MAX: { category: 'domain', message: 'quantity {quantity} exceeds maximum {max}' },
  ERR_PAPER_MISSING_STOP: { category: 'domain', message: 'stop order without a stop price' },
  ERR_PAPER_MISSING_LIMIT: { category: 'domain', message: 'limit order without a usable limit price' },
  ERR_PAPER_FOK_UNFILLABLE: { category: 'domain', message: 'FOK order not fully fillable: {reason}' },
  ERR_PAPER_IOC_NO_FILL: { category: 'domain', message: 'IOC order had no immediate fill: {reason}' },
  ERR_PAPER_STOP_NOT_TRIGGERED: { category: 'domain', message: 'stop not triggered for {tif} order' },
  ERR_PAPER_INSUFFICIENT_CASH: { category: 'domain', message: 'insufficient cash: need {need}, have {have}' },
  ERR_PAPER_MAX_NOTIONAL: { category: 'domain', message: 'exceeds max position notional {max}' },
  ERR_PAPER_NO_POSITION: { category: 'domain', message: 'no position to sell (held {held}, asked {quantity})' },
  ERR_PAPER_EXPIRED: { category: 'domain', message: 'DAY order expired unfilled at session end' },
  ERR_PAPER_NO_MARKET: { category: 'domain', message: 'no market price known for instrument {token}' },

  // domain outcomes: strategies, instruments, feeds
  ERR_STRATEGY_CONFIG: { category: 'startup', message: 'strategy "{strategyId}": {reason}' },
  ERR_STRATEGY_UNKNOWN_TYPE: { category: 'startup', message: 'strategy "{strategyId}" has unknown type "{type}"; available: {available}' },
  ERR_SIGNAL_INVALID: { category: 'domain', message: 'signal rejected by validator: {reason}' },
  ERR_STRATEGY_FAILED: { category: 'boundary', message: 'strategy "{strategyId}" failed on instrument {token}: {reason}' },
  ERR_STRATEGY_BROKER_INACTIVE: { category: 'boundary', message: 'strategy "{strategyId}" targets broker "{broker}", expected one of the active brokers ({active}); skipped' },
  ERR_INSTRUMENT_ROW_INVALID: { category: 'boundary', message: 'instruments file line {line}: {reason}' },
  ERR_INSTRUMENT_UNKNOWN: { category: 'boundary', message: 'unknown instrument {ref}', http: 404 },
  ERR_FEED_RECORD_INVALID: { category: 'boundary', message: 'replay file line {line}: {reason}' },

  // outside systems
  ERR_CIRCUIT_OPEN: { category: 'boundary', message: 'circuit "{name}" is open; next trial in {retryInMs} ms', http: 503 },

  // Kite Connect REST (src/kite/rest): one code per Kite error_type, plus what the client itself detects
  ERR_KITE_TOKEN: { category: 'boundary', message: 'Kite session is not valid (TokenException, HTTP {status}): {reason}; run npm run login' },
  ERR_KITE_INPUT: { category: 'boundary', message: 'Kite refused the request parameters (InputException, HTTP {status}): {reason}' },
  ERR_KITE_ORDER: { category: 'boundary', message: 'Kite order call failed (OrderException, HTTP {status}): {reason}' },
  ERR_KITE_MARGIN: { category: 'boundary', message: 'Kite refused the order for margin (MarginException, HTTP {status}): {reason}' },
  ERR_KITE_HOLDING: { category: 'boundary', message: 'Kite refused the sale for holdings (HoldingException, HTTP {status}): {reason}' },
  ERR_KITE_PERMISSION: { category: 'boundary', message: 'Kite denied the call (PermissionException, HTTP {status}): {reason}' },
  ERR_KITE_USER: { category: 'boundary', message: 'Kite account error (UserException, HTTP {status}): {reason}' },
  ERR_KITE_NETWORK: { category: 'boundary', message: 'Kite could not be reached or could not reach its OMS (HTTP {status}): {reason}' },
  ERR_KITE_DATA: { category: 'boundary', message: 'Kite response could not be understood (HTTP {status}): {reason}' },
  ERR_KITE_GENERAL: { category: 'boundary', message: 'Kite failed ({errorType}, HTTP {status}): {reason}' },
  ERR_KITE_RATE_LIMITED: { category: 'boundary', message: 'Kite rate limit hit on {route} (HTTP 429): {reason}' },
  ERR_KITE_TIMEOUT: { category: 'boundary', message: 'Kite call {route} timed out after {timeoutMs} ms' },
  ERR_KITE_BAD_ARGUMENT: { category: 'boundary', message: 'Kite call {route} not sent: {reason}' },

  // gateway (HTTP and WebSocket clients)
  ERR_WS_UNAUTHORIZED: { category: 'boundary', message: 'expected a valid access token, was {reason}', http: 401 },
  ERR_WS_FORBIDDEN: { category: 'boundary', message: 'forbidden: {reason}', http: 403 },
  ERR_WS_BAD_COMMAND: { category: 'boundary', message: 'bad WebSocket command: {reason}', wsClose: 1008 },
  ERR_WS_TOO_LARGE: { category: 'boundary', message: 'message of {bytes} bytes exceeds the limit of {max} bytes', wsClose: 1009 },
  ERR_WS_SLOW_CONSUMER: { category: 'boundary', message: 'client fell behind and was disconnected: {reason}', wsClose: 1013 },
  ERR_RATE_LIMITED: { category: 'boundary', message: 'rate limit of {limit} per {window} exceeded; retry in {retryAfterSec} s', http: 429, wsClose: 1008 },
  ERR_HTTP_NOT_FOUND: { category: 'boundary', message: 'not found: {what}', http: 404 },
  ERR_HTTP_BAD_REQUEST: { category: 'boundary', message: 'bad request: {reason}', http: 400 },
  ERR_FLATTEN_UNCONFIRMED: {
    category: 'boundary',
    message: 'flatten cancels the resting orders and closes the open positions of {target}; send "confirm": true to proceed',
    http: 400,
  },
  ERR_HTTP_PAYLOAD_TOO_LARGE: { category: 'boundary', message: 'request body exceeds {max} bytes', http: 413 },
  ERR_HTTP_INTERNAL: { category: 'failure', message: 'internal error handling {route}: {reason}', http: 500 },
  ERR_UPSTREAM_UNAVAILABLE: { category: 'boundary', message: '{target} is unavailable: {reason}', http: 503 },
  ERR_SYSTEM_NOT_READY: { category: 'boundary', message: 'trading subtree "{supervisor}" is {state}, expected running', http: 503 },
  ERR_GATEWAY_NATIVE_MISSING: { category: 'startup', message: 'uWebSockets.js native binary is not in use ({reason}); refusing the slow fallback' },
  ERR_GATEWAY_LISTEN: { category: 'startup', message: 'gateway cannot listen on {host}:{port}' },
  ERR_GATEWAY_UNIX: { category: 'startup', message: 'gateway cannot listen on the Unix socket {path}: {reason}' },
  ERR_STREAM_WIRE: { category: 'failure', message: 'corrupt stream tap frame: {reason}' },
  ERR_CLIENT_BAD_FRAME: { category: 'boundary', message: 'stream client received a message it cannot decode: {reason}' },
  ERR_PAUSE_UNCONFIRMED: { category: 'boundary', message: '{action} strategy {strategyId} changes what it may trade; send "confirm": true to proceed', http: 400 },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof CATALOGUE;

export type ErrorDetail = Readonly<Record<string, unknown>>;

/** Fills `{name}` placeholders of a template from `detail`; unknown names are left visible. */
export function formatMessage(code: ErrorCode, detail: ErrorDetail): string {
  const template: string = CATALOGUE[code].message;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = detail[name];
    if (value === undefined) return whole;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** The one Error subclass the project throws: code + structured detail + optional cause. */
export class AlphaPandaError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly detail: ErrorDetail;

  constructor(code: ErrorCode, detail: ErrorDetail = {}, options?: { cause?: unknown }) {
    super(formatMessage(code, detail), options);
    this.name = 'AlphaPandaError';
    this.code = code;
    this.category = CATALOGUE[code].category;
    this.detail = detail;
  }
}

export function appError(code: ErrorCode, detail: ErrorDetail = {}, cause?: unknown): AlphaPandaError {
  return cause === undefined ? new AlphaPandaError(code, detail) : new AlphaPandaError(code, detail, { cause });
}

export function isAppError(e: unknown, code?: ErrorCode): e is AlphaPandaError {
  return e instanceof AlphaPandaError && (code === undefined || e.code === code);
}

/** A domain outcome carried as a value (docs/conventions.md §3.1). */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };
export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });

/** Exhaustiveness guard for discriminated-union switches. */
export function assertNever(x: never): never {
  throw new Error(`unexpected variant: ${JSON.stringify(x)}`);
}
