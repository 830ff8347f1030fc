// Display formatting for the dashboard. Money and prices arrive as INTEGER minor units plus a
// divisor (100 = paise); they are formatted with integer arithmetic (no float rounding of
// balances) and Indian digit grouping (12,34,567.89).

const grouper = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

/** Number of decimals a divisor implies (100 → 2, 10000 → 4); non powers of ten fall back to 2. */
export function decimalsOf(divisor) {
  const d = Math.round(Math.log10(divisor > 0 ? divisor : 100));
  return 10 ** d === divisor ? d : 2;
}

/**
 * Formats an integer amount of minor units: `fmtMinor(123456789, 100)` → "12,34,567.89".
 * Options: `sign` prefixes "+" on positive values. Non-numbers give "—".
 */
export function fmtMinor(v, divisor = 100, opts = {}) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const dec = decimalsOf(divisor);
  const neg = v < 0;
  // Round away any fractional minor unit (avg prices are fractional paise, display only)
  const abs = Math.round(Math.abs(v));
  const whole = Math.floor(abs / divisor);
  const frac = abs - whole * divisor;
  let s = grouper.format(whole);
  if (dec > 0) s += '.' + String(Math.round(frac * 10 ** dec / divisor)).padStart(dec, '0');
  if (neg && abs !== 0) return '−' + s;
  return opts.sign && abs !== 0 ? '+' + s : s;
}

/** Plain integer with Indian grouping (quantities, volumes). */
export function fmtInt(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return (v < 0 ? '−' : '') + grouper.format(Math.abs(Math.round(v)));
}

/** Compact volume: 1.2 Cr, 34.5 L, 12.3 K. */
export function fmtVolume(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1e7) return (v / 1e7).toFixed(2) + ' Cr';
  if (a >= 1e5) return (v / 1e5).toFixed(2) + ' L';
  if (a >= 1e4) return (v / 1e3).toFixed(1) + ' K';
  return fmtInt(v);
}

/** Percentage with sign and 2 decimals ("+1.23%"). */
export function fmtPct(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const s = Math.abs(v).toFixed(2) + '%';
  if (v > 0) return '+' + s;
  return v < 0 ? '−' + s : s;
}

/** Change percent of `ltp` against the previous close (both minor units); null when unknown. */
export function changePct(ltp, close) {
  if (typeof ltp !== 'number' || typeof close !== 'number' || close === 0) return null;
  return ((ltp - close) / close) * 100;
}

/** CSS class for a signed value: "up", "down" or "flat". */
export function signClass(v) {
  if (typeof v !== 'number' || v === 0 || !Number.isFinite(v)) return 'flat';
  return v > 0 ? 'up' : 'down';
}

const pad2 = (n) => String(n).padStart(2, '0');

/** Local wall-clock time "HH:MM:SS" of an epoch-ms timestamp ("—" for 0/unknown). */
export function fmtTime(ms) {
  if (typeof ms !== 'number' || !(ms > 0)) return '—';
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local date-time "DD MMM HH:MM:SS". */
export function fmtDateTime(ms) {
  if (typeof ms !== 'number' || !(ms > 0)) return '—';
  const d = new Date(ms);
  const mon = d.toLocaleString('en-IN', { month: 'short' });
  return `${pad2(d.getDate())} ${mon} ${fmtTime(ms)}`;
}

/** Duration "3d 04h", "2h 05m", "4m 09s", "12s". */
export function fmtDuration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad2(h % 24)}h`;
}

/** Age "now", "850ms", "3.2s", then durations. */
export function fmtAge(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return fmtDuration(ms);
}

/** One line on a cluster node's NATS link (the status's `cluster`), '' for a single process. */
export function clusterSummary(c) {
  if (!c || typeof c.node !== 'string') return '';
  const lag = (c.consumers ?? []).reduce((s, x) => s + (x.lag ?? 0), 0);
  const redelivered = (c.consumers ?? []).reduce((s, x) => s + (x.redelivered ?? 0), 0);
  const backlog = (c.publishers ?? []).reduce((s, x) => s + (x.backlog ?? 0), 0);
  return `node ${c.node}: NATS ${c.connected ? 'connected' : 'RECONNECTING'} · lag ${fmtInt(lag)} · backlog ${fmtInt(backlog)} · ${fmtInt(redelivered)} redelivered`;
}
