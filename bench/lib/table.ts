export type Cell = string | number | boolean | null | undefined;

function show(cell: Cell): string {
  if (cell === null || cell === undefined) return '—';
  if (typeof cell === 'number')
    return Number.isFinite(cell) ? cell.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '—';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return cell;
}

/** A markdown table; numbers right-aligned. */
export function markdownTable(header: string[], rows: Cell[][]): string[] {
  const numeric = header.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined),
  );
  return [
    `| ${header.join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(show).join(' | ')} |`),
  ];
}

/** The same table, padded for a terminal. */
export function printTable(header: string[], rows: Cell[][]): void {
  const cells = [header, ...rows.map((r) => r.map(show))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  for (const [index, row] of cells.entries()) {
    console.log(row.map((c, i) => String(c ?? '').padEnd(widths[i]!)).join('  '));
    if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
