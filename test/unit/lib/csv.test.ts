import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../../lib/csv.js';

describe('CSV writer', () => {
  it('starts with a byte-order mark and ends every row with CRLF', () => {
    expect(
      toCsv([
        ['日期', '申请笔数'],
        ['2026-11-01', 3],
      ]),
    ).toBe('\uFEFF日期,申请笔数\r\n2026-11-01,3\r\n');
  });

  it('writes null as an empty cell and numbers as they are', () => {
    expect(toCsv([[null, 0, 1.5, -2]])).toBe('\uFEFF,0,1.5,-2\r\n');
  });

  it('quotes cells with commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
    expect(csvCell('plain text')).toBe('plain text');
  });

  it('keeps a spreadsheet from running text as a formula, but leaves negative numbers alone', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('-12.50')).toBe('-12.50');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });
});
