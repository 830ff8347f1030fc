// The dashboard's lightweight-charts set-up, shared by the equity and price panels: one theme,
// rupee labels from integer-paise formatting, and chart times as local wall-clock seconds.
import { fmtMinor } from './format.js';

/** Epoch ms → the chart's time: whole seconds shifted so the axis reads local wall-clock time. */
export const tzShift = (ms) => Math.floor(ms / 1000) - new Date(ms).getTimezoneOffset() * 60;

/** Rupees (a chart value) → "1,23,456.78", through the exact paise formatter. */
export const rupees = (v) => fmtMinor(Math.round(v * 100), 100);

/**
 * A themed chart in `container`, or null (with `emptyNode` saying why) when the library did not
 * load. Returns `{ LC, chart }`: LC is the library (series types, markers).
 */
export function createDeskChart(container, emptyNode, { secondsVisible = false } = {}) {
  const LC = window.LightweightCharts;
  if (!LC) {
    emptyNode.textContent = 'Chart library failed to load (/vendor/lightweight-charts.js)';
    return null;
  }
  const chart = LC.createChart(container, {
    autoSize: true,
    layout: { background: { type: 'solid', color: 'transparent' }, textColor: '#8892a6', fontSize: 11, fontFamily: 'var(--mono)' },
    grid: { vertLines: { color: 'rgba(42,52,70,0.45)' }, horzLines: { color: 'rgba(42,52,70,0.45)' } },
    rightPriceScale: { borderColor: '#232c3b', scaleMargins: { top: 0.12, bottom: 0.08 } },
    timeScale: { borderColor: '#232c3b', timeVisible: true, secondsVisible, rightOffset: 4 },
    crosshair: { mode: 0, vertLine: { color: '#4b5870', labelBackgroundColor: '#2a3446' }, horzLine: { color: '#4b5870', labelBackgroundColor: '#2a3446' } },
    localization: { priceFormatter: rupees },
  });
  return { LC, chart };
}
