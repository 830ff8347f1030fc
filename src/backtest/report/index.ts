// Public surface of the backtest report: the report value, its terminal, chart and HTML renderings.
export { buildReport, METRIC_CONVENTIONS, REPORT_CURVE_POINTS, reportEquityEvery, type BacktestReport, type ReportContext, type ScopeReport } from './model.js';
export { bucketSeconds, chartTime, columnPrices, MAX_LABELLED_MARKERS, MAX_MARKERS, MAX_POINTS, priceSeries, reportCharts, type ChartMarker, type InstrumentChart, type LinePoint, type PriceTick, type ReportCharts } from './charts.js';
export { fmtDuration, fmtMoney, fmtPct, fmtRatio, LOWER_IS_BETTER, metricRow, metricValues, SUMMARY_ROWS, type MetricRow, type MetricValues } from './format.js';
export { MAX_TRADE_ROWS, renderReportHtml } from './html.js';
export { breakdownText, summaryText, type BreakdownKind } from './text.js';
