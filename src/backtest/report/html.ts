// The self-contained HTML report: one file with the summary, breakdown and trade tables rendered
// here, and the charts (equity, drawdown, per-strategy PnL, price with entry/exit markers) drawn
// in the browser by the inlined lightweight-charts standalone build, the same file the dashboard
// serves. No network access at view time. PURE: the library source is passed in.
// Every summary cell carries data-scope / data-metric / data-value (the raw number, paise for
// money), so a test can check what is shown against the JSON document. The page embeds the report
// (trips and open lots cut to MAX_TRADE_ROWS, like the table) and the chart series as JSON.
import type { BreakdownRow, RoundTrip } from '../../domain/metrics/index.js';
import { tradingDay } from '../../domain/market-hours/index.js';
import type { ReportCharts } from './charts.js';
import { fmtDuration, fmtIst, fmtMoney, fmtPct, SUMMARY_ROWS } from './format.js';
import type { BacktestReport, ScopeReport } from './model.js';

/** Trade-table rows written into the page; the rest are in the embedded data and in --json. */
export const MAX_TRADE_ROWS = 2000;

/** Text safe in HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function summaryTable(report: BacktestReport): string {
  const scopes: ScopeReport[] = report.strategies.length === 1 ? [report.strategies[0]!] : [...report.strategies, report.total];
  const head = `<tr><th></th>${scopes.map((s) => `<th>${esc(s.id)}</th>`).join('')}</tr>`;
  const rows = SUMMARY_ROWS.map((r) => {
    const cells = scopes.map((s) => {
      const v = r.value(s.metrics);
      return `<td data-scope="${esc(s.id)}" data-metric="${r.key}" data-value="${v === null ? '' : String(v)}">${esc(r.format(v))}</td>`;
    });
    return `<tr><th>${esc(r.label)}</th>${cells.join('')}</tr>`;
  });
  return `<table id="summary" class="num"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function breakdownTable(id: string, keyLabel: string, rows: readonly BreakdownRow[]): string {
  if (rows.length === 0) return '<p class="muted">No closed trips.</p>';
  const body = rows
    .map((r) => `<tr><td>${esc(r.key)}</td><td>${r.roundTrips}</td><td>${r.wins}</td><td>${fmtPct(r.winRate, 1)}</td><td>${fmtMoney(r.grossPnl)}</td><td>${fmtMoney(r.fees)}</td><td class="${r.netPnl < 0 ? 'neg' : 'pos'}">${fmtMoney(r.netPnl)}</td></tr>`)
    .join('');
  return `<table id="${id}" class="num"><thead><tr><th>${keyLabel}</th><th>trips</th><th>wins</th><th>win %</th><th>gross ₹</th><th>fees ₹</th><th>net ₹</th></tr></thead><tbody>${body}</tbody></table>`;
}

function tradesTable(trips: readonly RoundTrip[]): string {
  if (trips.length === 0) return '<p class="muted">No closed trips.</p>';
  const body = trips
    .slice(0, MAX_TRADE_ROWS)
    .map(
      (t, i) =>
        `<tr><td>${i + 1}</td><td>${esc(t.strategyId)}</td><td>${t.token}</td><td>${t.direction}</td><td>${t.quantity}</td><td>${fmtIst(t.entryTs)}</td><td>${fmtMoney(t.entryPrice)}</td><td>${fmtIst(t.exitTs)}</td><td>${fmtMoney(t.exitPrice)}</td><td>${fmtDuration(t.durationMs)}</td><td>${fmtMoney(t.fees)}</td><td class="${t.netPnl < 0 ? 'neg' : 'pos'}">${fmtMoney(t.netPnl)}</td></tr>`,
    )
    .join('');
  const more = trips.length > MAX_TRADE_ROWS ? `<p class="muted">First ${MAX_TRADE_ROWS} of ${trips.length} trips shown; all are in the --json output.</p>` : '';
  return `<table id="trades" class="num"><thead><tr><th>#</th><th>strategy</th><th>instrument</th><th>side</th><th>qty</th><th>entry (IST)</th><th>entry ₹</th><th>exit (IST)</th><th>exit ₹</th><th>held</th><th>fees ₹</th><th>net ₹</th></tr></thead><tbody>${body}</tbody></table>${more}`;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1600px;margin:0 auto;padding:16px 24px 48px}
.top{display:grid;grid-template-columns:auto 1fr;gap:24px;align-items:start}.top>div{min-width:0}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:16px;margin:28px 0 8px}
.muted{color:#6b7280}.chart{height:320px;background:#fff;border:1px solid #e3e6eb;border-radius:6px}
table{border-collapse:collapse;background:#fff;border:1px solid #e3e6eb;font-size:13px}
th,td{padding:3px 10px;border-bottom:1px solid #eef0f3;white-space:nowrap}thead th{background:#f0f2f5;text-align:right}
table.num td{text-align:right;font-variant-numeric:tabular-nums}tbody th{text-align:left;font-weight:500}
td.neg{color:#c01c28}td.pos{color:#1a7f37}.scroll{max-height:480px;overflow:auto;display:inline-block}
.chart-small{height:200px}select{font:inherit;margin-bottom:6px}ul{padding-left:20px}
`;

// Runs in the page: draws the charts from the embedded data, then marks the body as rendered
const RENDER = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var LC = window.LightweightCharts;
  var charts = data.charts;
  var base = { layout: { background: { type: 'solid', color: '#ffffff' }, textColor: '#374151' },
    timeScale: { timeVisible: true, secondsVisible: charts.bucketS < 60 }, rightPriceScale: { borderVisible: false },
    grid: { vertLines: { color: '#f0f2f5' }, horzLines: { color: '#f0f2f5' } }, autoSize: true,
    localization: { priceFormatter: function (v) { return v.toLocaleString('en-IN', { maximumFractionDigits: 2 }); } } };
  function chart(id) { return LC.createChart(document.getElementById(id), base); }
  var eq = chart('chart-equity');
  eq.addSeries(LC.AreaSeries, { lineColor: '#1c71d8', topColor: 'rgba(28,113,216,0.25)', bottomColor: 'rgba(28,113,216,0.02)', lineWidth: 2 }).setData(charts.equity);
  eq.timeScale().fitContent();
  var dd = chart('chart-drawdown');
  dd.addSeries(LC.AreaSeries, { lineColor: '#c01c28', topColor: 'rgba(192,28,40,0.02)', bottomColor: 'rgba(192,28,40,0.3)', lineWidth: 1, invertFilledArea: true,
    priceFormat: { type: 'custom', formatter: function (v) { return v.toFixed(2) + ' %'; } } }).setData(charts.drawdown);
  dd.timeScale().fitContent();
  var palette = ['#1c71d8', '#e66100', '#26a269', '#9141ac', '#c64600', '#63452c', '#2ec27e', '#a51d2d'];
  if (document.getElementById('chart-strategies')) {
    var st = chart('chart-strategies');
    charts.strategies.forEach(function (s, i) { st.addSeries(LC.LineSeries, { color: palette[i % palette.length], lineWidth: 2, title: s.id }).setData(s.pnl); });
    st.timeScale().fitContent();
  }
  var price = null, series = null, markers = null;
  var select = document.getElementById('instrument');
  function show(token) {
    var inst = charts.instruments.find(function (x) { return String(x.token) === String(token); });
    if (!inst) return;
    if (price === null) { price = chart('chart-price'); series = price.addSeries(LC.LineSeries, { color: '#374151', lineWidth: 1 }); markers = LC.createSeriesMarkers(series, []); }
    series.setData(inst.prices);
    markers.setMarkers(inst.markers);
    price.timeScale().fitContent();
    document.getElementById('markers-note').textContent = inst.markersDropped > 0 ? ('first ' + inst.markers.length + ' fills marked; ' + inst.markersDropped + ' more not shown') : (inst.markers.length + ' fills marked' + (inst.markers.length > 0 && inst.markers[0].text === '' ? ' (arrows only: ▲ buy, ▼ sell)' : ''));
  }
  if (select) { select.addEventListener('change', function () { show(select.value); }); show(select.value); }
  requestAnimationFrame(function () { requestAnimationFrame(function () { document.body.dataset.rendered = 'true'; }); });
})();
`;

/** The whole page. `chartsLibrary` is the lightweight-charts standalone production build. */
export function renderReportHtml(report: BacktestReport, charts: ReportCharts, chartsLibrary: string): string {
  const ids = report.strategies.map((s) => s.id).join(', ');
  const period = `${fmtIst(report.run.firstTs)} → ${fmtIst(report.run.lastTs)} IST`;
  const instruments = charts.instruments
    .map((i) => `<option value="${i.token}">${i.token} (${i.markers.length + i.markersDropped} fills)</option>`)
    .join('');
  const strategiesChart = report.strategies.length > 1 ? '<h2>Net PnL by strategy</h2><div id="chart-strategies" class="chart"></div>' : '';
  const day = report.run.firstTs === null ? '' : ` · first day ${tradingDay(report.run.firstTs)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Backtest report · ${esc(ids)}</title><style>${STYLE}</style></head>
<body><main>
<h1>Backtest report</h1>
<p class="muted">Strategies: ${esc(ids)} · ticks: ${esc(report.context.ticks)} (${report.run.ticks} ticks${day}) · ${esc(period)} · starting cash ₹${fmtMoney(report.run.startingCashPerStrategy)} per strategy · risk caps ${report.context.riskCaps ? 'on' : 'off (--no-risk-caps)'}</p>
<div class="top"><div><h2>Summary</h2>${summaryTable(report)}</div>
<div><h2>Equity (all strategies, ₹)</h2><div id="chart-equity" class="chart"></div>
<h2>Drawdown (% below the running peak)</h2><div id="chart-drawdown" class="chart chart-small"></div></div></div>
${strategiesChart}
<h2>Price and fills</h2>
${charts.instruments.length === 0 ? '<p class="muted">No fills.</p>' : `<label>Instrument <select id="instrument">${instruments}</select></label> <span id="markers-note" class="muted"></span><div id="chart-price" class="chart"></div>`}
<h2>By instrument (closed trips)</h2>${breakdownTable('by-instrument', 'instrument', report.total.byInstrument)}
<h2>By day (IST, closed trips)</h2>${breakdownTable('by-day', 'day', report.total.byDay)}
<h2>Round trips</h2><div class="scroll">${tradesTable(report.trips)}</div>
<h2>Conventions</h2><ul>${report.conventions.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>
</main>
<script type="application/json" id="report-data">${scriptJson({ report: { ...report, trips: report.trips.slice(0, MAX_TRADE_ROWS), open: report.open.slice(0, MAX_TRADE_ROWS) }, charts })}</script>
<script>${chartsLibrary.replace(/<\/script/gi, '<\\/script')}</script>
<script>${RENDER}</script>
</body></html>
`;
}
