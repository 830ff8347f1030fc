// The HTML heatmap of a two-parameter sweep: rows are the first axis' values, columns the second's,
// each cell the ranking metric of that combination, coloured from worst (red) to best (green) in
// the ranking's own direction. A self-contained page (no script). Every cell carries data-row /
// data-col / data-value (the raw figure) for tests. PURE.
import type { ParamAxis } from './grid.js';
import { metricRow } from './report/format.js';
import { esc } from './report/html.js';
import type { SweepSort } from './sweep-report.js';
import type { SweepOutcome } from './sweep-task.js';

/** Red (0) → amber (0.5) → green (1), as an rgb() string. */
function colour(t: number): string {
  const lerp = (a: number, b: number, u: number): number => Math.round(a + (b - a) * u);
  const [r, g, b] = t < 0.5 ? [lerp(230, 250, t * 2), lerp(90, 200, t * 2), lerp(90, 90, t * 2)] : [lerp(250, 70, (t - 0.5) * 2), lerp(200, 180, (t - 0.5) * 2), lerp(90, 110, (t - 0.5) * 2)];
  return `rgb(${r},${g},${b})`;
}

export interface HeatmapInput {
  readonly strategy: string;
  readonly ticks: string;
  /** Exactly two axes. */
  readonly axes: readonly ParamAxis[];
  readonly outcomes: readonly SweepOutcome[];
  readonly sort: SweepSort;
}

export function renderHeatmapHtml(h: HeatmapInput): string {
  const [rowAxis, colAxis] = h.axes;
  if (rowAxis === undefined || colAxis === undefined || h.axes.length !== 2) throw new RangeError('a heatmap needs exactly two axes');
  const row = metricRow(h.sort.key);
  const label = row?.label ?? h.sort.key;
  const format = row?.format ?? ((v: number | null) => (v === null ? '—' : String(v)));
  const cell = new Map<string, SweepOutcome>();
  for (const o of h.outcomes) cell.set(`${String(o.params[rowAxis.key])}\u0000${String(o.params[colAxis.key])}`, o);
  const values = h.outcomes.flatMap((o) => (o.ok && o.metrics[h.sort.key] !== null && o.metrics[h.sort.key] !== undefined ? [o.metrics[h.sort.key]!] : []));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const score = (v: number): number => {
    const t = hi === lo ? 1 : (v - lo) / (hi - lo);
    return h.sort.dir === 'desc' ? t : 1 - t;
  };
  const headCells = colAxis.values.map((c) => `<th>${esc(String(c))}</th>`).join('');
  const body = rowAxis.values
    .map((r) => {
      const tds = colAxis.values
        .map((c) => {
          const o = cell.get(`${String(r)}\u0000${String(c)}`);
          const attrs = `data-row="${esc(String(r))}" data-col="${esc(String(c))}"`;
          if (o === undefined || !o.ok) return `<td ${attrs} data-value="" class="failed" title="${esc(o !== undefined && !o.ok ? o.errors.join('; ') : 'not run')}">failed</td>`;
          const v = o.metrics[h.sort.key] ?? null;
          const style = v === null ? '' : ` style="background:${colour(score(v))}"`;
          return `<td ${attrs} data-value="${v === null ? '' : String(v)}"${style}>${esc(format(v))}</td>`;
        })
        .join('');
      return `<tr><th>${esc(String(r))}</th>${tds}</tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep heatmap · ${esc(h.strategy)} · ${esc(label)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #e3e6eb;padding:6px 12px;text-align:right;font-variant-numeric:tabular-nums}
th{background:#f0f2f5}td.failed{color:#6b7280;background:#eee}.muted{color:#6b7280}caption{text-align:left;padding-bottom:8px}
</style></head><body>
<h1>Sweep heatmap: ${esc(h.strategy)}</h1>
<p class="muted">Ticks: ${esc(h.ticks)} · cell: ${esc(label)} (${h.sort.dir === 'desc' ? 'higher' : 'lower'} is better: green) · rows: ${esc(rowAxis.key)} · columns: ${esc(colAxis.key)}</p>
<table id="heatmap"><thead><tr><th>${esc(rowAxis.key)} \\ ${esc(colAxis.key)}</th>${headCells}</tr></thead><tbody>${body}</tbody></table>
</body></html>
`;
}
