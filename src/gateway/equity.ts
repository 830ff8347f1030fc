// Equity curve from LMDB (K.equityRange): the points of a broker between `from` and `to` (epoch ms,
// inclusive), at most `maxPoints`. Long ranges are downsampled by time bucket — the LAST point of
// each bucket, read with one bounded range query per bucket — so a week of points never turns
// into one long scan blocking the gateway's event loop.
import type { RootDatabase } from 'lmdb';
import { K } from '../store/keyspace.js';
import type { Broker } from '../domain/types.js';
import type { EquityPoint } from '../protocol/portfolio.js';

/** The curve and whether it was downsampled. */
export interface EquityCurve {
  readonly broker: Broker;
  readonly from: number;
  readonly to: number;
  readonly downsampled: boolean;
  readonly points: readonly EquityPoint[];
}

/** Reads the curve of `broker` in [from, to]. */
export function readEquity(db: RootDatabase, broker: Broker, from: number, to: number, maxPoints: number): EquityCurve {
  const { start, end } = K.equityRange(broker, from, to + 1);
  const first = [...db.getRange({ start, end, limit: maxPoints + 1 })].map((e) => e.value as EquityPoint);
  if (first.length <= maxPoints) return { broker, from, to, downsampled: false, points: first };
  const step = (to + 1 - from) / maxPoints;
  const points: EquityPoint[] = [];
  for (let i = 0; i < maxPoints; i++) {
    const a = Math.floor(from + i * step);
    const b = i === maxPoints - 1 ? to + 1 : Math.floor(from + (i + 1) * step);
    if (b <= a) continue;
    // Reverse scan of bucket [a, b): lmdb-js takes start inclusive and end exclusive in either
    // direction, so the half-ms offsets keep integer timestamps a..b-1 and nothing else
    const r = K.equityRange(broker, a - 0.5, b - 0.5);
    for (const e of db.getRange({ start: r.end, end: r.start, reverse: true, limit: 1 })) points.push(e.value as EquityPoint);
  }
  return { broker, from, to, downsampled: true, points };
}
