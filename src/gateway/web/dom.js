// Tiny DOM helpers: element construction and a keyed table that patches cells in place (so rows
// keep their identity, flashes stay on the right cell, and nothing re-renders wholesale).

/** Creates an element: `el('td', { class: 'num', title: 'x' }, 'text', childNode)`. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** Shortcut for `document.getElementById`. */
export const $ = (id) => document.getElementById(id);

/**
 * A table body whose rows are identified by a key. `columns` is a list of
 * `{ cell(row) → { text, cls?, title?, node? } }`; `update(rows)` adds, patches and removes rows,
 * returning how many cell texts changed. `onCell(td, before, after, row, colIndex)` may add effects.
 */
export class KeyedTable {
  constructor(tbody, columns, keyOf, opts = {}) {
    this.tbody = tbody;
    this.columns = columns;
    this.keyOf = keyOf;
    this.rows = new Map();
    this.onCell = opts.onCell ?? null;
    this.rowClass = opts.rowClass ?? null;
    /** Optional second line under a row (e.g. a rejection reason): `detail(row) → string | null`. */
    this.detail = opts.detail ?? null;
    this.details = new Map();
    this.empty = opts.empty ?? 'No data';
    this.emptyRow = el('tr', { class: 'empty' }, el('td', { colspan: columns.length }, this.empty));
    tbody.append(this.emptyRow);
  }

  /** Reconciles the table with `rows` (in display order). */
  update(rows) {
    let changed = 0;
    const seen = new Set();
    let prev = null;
    for (const row of rows) {
      const key = String(this.keyOf(row));
      if (seen.has(key)) continue;
      seen.add(key);
      let tr = this.rows.get(key);
      if (tr === undefined) {
        tr = el('tr', { dataset: { key } });
        for (let i = 0; i < this.columns.length; i++) tr.append(el('td'));
        this.rows.set(key, tr);
      }
      if (this.rowClass) tr.className = this.rowClass(row) ?? '';
      for (let i = 0; i < this.columns.length; i++) changed += this.patch(tr.children[i], this.columns[i].cell(row), row, i);
      // Keep display order with minimal moves
      const want = prev === null ? this.tbody.firstChild : prev.nextSibling;
      if (want !== tr) this.tbody.insertBefore(tr, want);
      prev = tr;
      const text = this.detail ? this.detail(row) : null;
      tr.classList.toggle('has-detail', Boolean(text));
      let dr = this.details.get(key);
      if (text) {
        if (dr === undefined) {
          dr = el('tr', { class: 'detail' }, el('td', { colspan: this.columns.length }));
          this.details.set(key, dr);
        }
        if (dr.firstChild.textContent !== text) dr.firstChild.textContent = text;
        dr.firstChild.title = text;
        if (tr.nextSibling !== dr) this.tbody.insertBefore(dr, tr.nextSibling);
        prev = dr;
      } else if (dr !== undefined) {
        dr.remove();
        this.details.delete(key);
      }
    }
    for (const [key, tr] of this.rows) {
      if (!seen.has(key)) {
        tr.remove();
        this.details.get(key)?.remove();
        this.details.delete(key);
        this.rows.delete(key);
      }
    }
    if (seen.size === 0) {
      if (!this.emptyRow.isConnected) this.tbody.append(this.emptyRow);
    } else if (this.emptyRow.isConnected) this.emptyRow.remove();
    return changed;
  }

  patch(td, spec, row, i) {
    const cls = spec.cls ?? '';
    if (td.dataset.cls !== cls) {
      td.className = cls;
      td.dataset.cls = cls;
      // Re-applying the class removes transient flash classes; that is intended on a sign change
    }
    if (spec.title !== undefined && td.title !== spec.title) td.title = spec.title;
    if (spec.node !== undefined) {
      const sig = spec.sig ?? '';
      if (td.dataset.sig === sig && td.firstChild) return 0;
      td.dataset.sig = sig;
      td.replaceChildren(spec.node);
      return 1;
    }
    const text = spec.text ?? '';
    if (td.textContent === text) return 0;
    const before = td.textContent;
    td.textContent = text;
    if (this.onCell && before !== '') this.onCell(td, before, text, row, i);
    return 1;
  }
}

/**
 * Restarts the up/down flash on `node` (`dir` = 'up' | 'down'). Alternates between two identical
 * animations instead of forcing a reflow, so a busy ticks table never thrashes layout.
 */
export function flash(node, dir) {
  const alt = node.dataset.flip === 'a' ? 'b' : 'a';
  node.dataset.flip = alt;
  node.classList.remove('flash-up-a', 'flash-up-b', 'flash-down-a', 'flash-down-b');
  node.classList.add(`flash-${dir}-${alt}`);
}

/** A small coloured pill. */
export function badge(text, cls) {
  return el('span', { class: `badge ${cls}` }, text);
}
