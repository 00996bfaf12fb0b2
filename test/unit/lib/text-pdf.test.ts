import { createHash } from 'node:crypto';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { documentFont, woffToTrueType } from '../../../lib/pdf/cjk-font.js';
import { renderTextPdf, wrapLine } from '../../../lib/pdf/text-pdf.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const doc = {
  title: '还款回单 / Repayment receipt',
  lines: ['还款金额 Amount: 人民币 1234.56 元', '大写 In words: 壹仟贰佰叁拾肆元伍角陆分', '', '# 入账明细', '𠀀 rare'],
  documentDate: new Date('2026-03-05T00:00:00Z'),
  subject: 'receipt L-1 pay-1',
};

describe('text PDF', () => {
  it('renders the same bytes twice (no clock, no random font tag)', async () => {
    const a = await renderTextPdf(doc);
    const b = await renderTextPdf({ ...doc, lines: [...doc.lines] });
    expect(Buffer.from(a.slice(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(sha(a)).toBe(sha(b));
    const text = Buffer.from(a).toString('latin1');
    expect(text).toContain('NotoSansSC-Regular');
    expect(text).toContain('/FontFile2');
  }, 60_000);

  it('differs when a word differs, and stays small by embedding only the glyphs used', async () => {
    const a = await renderTextPdf(doc);
    const c = await renderTextPdf({ ...doc, lines: [...doc.lines.slice(0, -1), '还款金额 Amount: 人民币 1234.57 元'] });
    expect(sha(a)).not.toBe(sha(c));
    expect(a.length).toBeLessThan(60_000);
    expect(documentFont().length).toBeGreaterThan(1_000_000);
  }, 60_000);

  it('breaks long lines and pages', async () => {
    const many = Array.from({ length: 200 }, (_, i) => `第 ${i + 1} 行 ${'借款人应按期足额还款。'.repeat(6)}`);
    const pdf = await renderTextPdf({ ...doc, lines: many });
    const pages =
      Buffer.from(pdf)
        .toString('latin1')
        .match(/\/Type \/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThan(5);
    expect(wrapLine('一二三四五', 2, (s) => [...s].length)).toEqual(['一二', '三四', '五']);
    expect(wrapLine('', 10, (s) => s.length)).toEqual(['']);
  }, 60_000);

  it('keeps every glyph drawable through the subsetter (glyphs padded to even lengths)', async () => {
    const font = fontkit.create(documentFont());
    const subset = font.createSubset();
    const text = 'Receipt 还款回单 1234.56 壹仟';
    for (const ch of text) subset.includeGlyph(font.glyphForCodePoint(ch.codePointAt(0)!));
    const chunks: Uint8Array[] = [];
    await new Promise<void>((done) => {
      const stream = subset.encodeStream();
      stream.on('data', (d: Uint8Array) => chunks.push(d));
      stream.on('end', () => done());
    });
    const out = fontkit.create(Buffer.concat(chunks));
    const blank = [];
    for (let id = 1; id < out.numGlyphs; id++)
      if ((out.getGlyph(id).path as unknown as { commands: unknown[] }).commands.length === 0) blank.push(id);
    // Only the space is blank.
    expect(blank.length).toBe(1);
  }, 60_000);

  it('refuses what is not a WOFF font', () => {
    expect(() => woffToTrueType(Buffer.from('not a font at all, not even close to 44 bytes long.'))).toThrow(/WOFF/);
  });
});
