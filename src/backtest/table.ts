// Fixed-width text tables for the backtest and sweep CLIs. PURE.

/**
 * `rows[0]` is the header; columns in `rightAlign` are padded on the left (numbers), the others
 * on the right; a dashed rule separates the header from the body.
 */
export function textTable(rows: readonly (readonly string[])[], rightAlign: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (rightAlign.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
