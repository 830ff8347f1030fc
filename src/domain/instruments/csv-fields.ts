// Minimal RFC 4180-style field splitter for one CSV line, shared by the instruments and replay
// parsers. PURE. Supports double-quoted fields (commas inside, "" for a literal quote); a quoted
// field cannot span lines because both files are processed line by line with line numbers.

import { err, ok, type Result } from '../../errors.js';

/** One non-blank, non-comment line of a CSV text with its 1-based physical line number. */
export interface CsvLine {
  readonly lineNo: number;
  readonly text: string;
}

/**
 * Splits `text` into lines (LF or CRLF), drops a UTF-8 BOM, blank lines and lines whose first
 * non-space character is `#`. Line numbers count every physical line, so errors point at the file.
 */
export function contentLines(text: string): CsvLine[] {
  const raw = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvLine[] = [];
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    out.push({ lineNo: i + 1, text: line });
  }
  return out;
}

/**
 * Splits one CSV line into fields. Unquoted fields are trimmed; quoted fields keep their inner
 * spaces. The error value is a human-readable reason (the caller adds the line number).
 */
export function splitCsvLine(line: string): Result<string[], string> {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) return err('unterminated quoted field');
        const c = line[i];
        if (c === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
      if (i < n && line[i] !== ',') return err('unexpected text after a closing quote');
      fields.push(value);
    } else {
      const start = i;
      while (i < n && line[i] !== ',') i++;
      const value = line.slice(start, i).trim();
      if (value.includes('"')) return err('quote inside an unquoted field');
      fields.push(value);
    }
    if (i >= n) return ok(fields);
    i++; // skip the comma; a trailing comma yields a final empty field
  }
}
