// CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel shows Chinese), CRLF line ends,
// RFC 4180 quoting, and text that a spreadsheet would run as a formula made inert.

export type CsvCell = string | number | null;

export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  const text = String(value);
  // A leading =, +, - or @ would make a spreadsheet run the cell as a formula; numbers stay numbers.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The rows (the first is usually the header) as one CSV document. */
export function toCsv(rows: ReadonlyArray<readonly CsvCell[]>): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
