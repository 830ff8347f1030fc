// Small formatting and statistics helpers shared by suites: median and spread of repeated runs,
// human units, and plain-text / Markdown tables.

/** Median and range of one metric over repeated runs (measurement rule 3). */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

/** Median, min and max of `values` (runs kept in their original order). */
export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? Number.NaN : n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { median, min: s[0] ?? Number.NaN, max: s[n - 1] ?? Number.NaN, runs: values };
}

/** The run whose `key` is the median (for reporting one coherent run's percentiles). */
export function medianRun<T>(runs: readonly T[], key: (r: T) => number): T {
  const s = [...runs].sort((a, b) => key(a) - key(b));
  return s[Math.floor((s.length - 1) / 2)]!;
}

/** Messages per second in M/s, k/s or /s. */
export function rate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '—';
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(0)} /s`;
}

/** Nanoseconds in ns, µs or ms. */
export function ns(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} ms`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(2)} µs`;
  return `${v.toFixed(0)} ns`;
}

/** A ratio as `N×` (≥ 1) or `1/N` (< 1). */
export function ratio(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v >= 10 ? `${v.toFixed(0)}×` : v >= 1 ? `${v.toFixed(1)}×` : `1/${(1 / v).toFixed(1)}`;
}

/** A percentage with two decimals. */
export function pct(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)} %` : '—';
}

/** Fixed-width text table; first row is the header. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const [head, ...body] = rows;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Markdown table; first row is the header. */
export function mdTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  const line = (r: readonly string[]): string => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head!), `|${head!.map(() => '---').join('|')}|`, ...body.map(line)].join('\n');
}
