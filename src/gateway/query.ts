// Query-string and path parameter parsing for the REST routes (a trust boundary): integers in range,
// pagination (page ≥ 1, size 1..1000, default 50), brokers among the active ones, safe identifiers.
// Every failure is ERR_HTTP_BAD_REQUEST naming the parameter ("expected X, was Y").
import { appError } from '../errors.js';
import type { Broker } from '../domain/types.js';

/** Pagination of list routes. */
export interface Page {
  readonly page: number;
  readonly size: number;
  readonly offset: number;
}

const bad = (name: string, expected: string, was: string): never => {
  throw appError('ERR_HTTP_BAD_REQUEST', { reason: `expected ${name} to be ${expected}, was "${was.slice(0, 40)}"` });
};

/** An integer parameter in [min, max]: `fallback` (or undefined) when absent, ERR_HTTP_BAD_REQUEST when malformed. */
export function intParam(q: URLSearchParams, name: string, min: number, max: number, fallback: number): number;
export function intParam(q: URLSearchParams, name: string, min: number, max: number): number | undefined;
export function intParam(q: URLSearchParams, name: string, min: number, max: number, fallback?: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d{1,16}$/.test(raw)) return bad(name, `an integer in [${min}, ${max}]`, raw);
  const v = Number(raw);
  if (v < min || v > max) return bad(name, `an integer in [${min}, ${max}]`, raw);
  return v;
}

/** `page` and `size` (size 1..1000, default 50). */
export function pageParams(q: URLSearchParams): Page {
  const page = intParam(q, 'page', 1, 1_000_000, 1);
  const size = intParam(q, 'size', 1, 1000, 50);
  return { page, size, offset: (page - 1) * size };
}

/** An optional broker parameter among `active`. */
export function brokerParam(q: URLSearchParams, active: readonly Broker[]): Broker | undefined {
  const raw = q.get('broker');
  if (raw === null || raw === '') return undefined;
  if (!(active as readonly string[]).includes(raw)) return bad('broker', `one of ${active.join(', ')}`, raw);
  return raw as Broker;
}

/** A broker parameter defaulting to the first active broker. */
export function brokerOrFirst(q: URLSearchParams, active: readonly Broker[]): Broker {
  return brokerParam(q, active) ?? active[0]!;
}

/** An optional short text parameter (ids, filters). */
export function textParam(q: URLSearchParams, name: string, max = 80): string | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw.length > max || /[\u0000-\u001f]/.test(raw)) return bad(name, `text of at most ${max} characters`, raw);
  return raw;
}

/** An optional parameter that must be one of `values` (an unknown value is a 400, never ignored). */
export function enumParam<T extends string>(q: URLSearchParams, name: string, values: readonly T[]): T | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const v = values.find((x) => x === raw);
  return v ?? bad(name, `one of ${values.join(', ')}`, raw);
}

/** A path identifier (order id, instrument reference). */
export function idParam(value: string, name: string): string {
  if (!/^[A-Za-z0-9._:\-&]{1,80}$/.test(value)) return bad(name, 'an identifier of letters, digits and ._:-&', value);
  return value;
}
