// Plain-text tables for terminal output: columns padded to their widest cell. A cell holds API text
// (titles, names, errors): its control characters, newlines and tabs are shown as escapes, so a cell
// can neither move the cursor nor forge a line or a column.
import { terminalLine } from '../terminal-text.js';

export function renderTable(headers: readonly string[], rawRows: readonly (readonly string[])[]): string {
  const rows = rawRows.map((row) => row.map(terminalLine));
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
