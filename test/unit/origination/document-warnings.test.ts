import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { documentWarnings } from '../../../domain/document-warnings.js';
import { DOCUMENT_TYPES } from '../../../domain/types.js';

const sha = (c: string) => c.repeat(64);

describe('document warnings', () => {
  it('warns when one file is uploaded under two document types', () => {
    const warnings = documentWarnings([
      { documentId: 'd1', type: 'ID_FRONT', sha256: sha('a') },
      { documentId: 'd2', type: 'ID_BACK', sha256: sha('a') },
      { documentId: 'd3', type: 'INCOME_PROOF', sha256: sha('b') },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'DUPLICATE_DOCUMENT', severity: 'HIGH' });
    expect(warnings[0]!.message.en).toContain('ID card (back), ID card (front)');
    expect(warnings[0]!.message.zh).toContain('身份证国徽面、身份证人像面');
  });

  it('flags the same file uploaded again under one type: a replacement that replaces nothing', () => {
    const warnings = documentWarnings([
      { documentId: 'd1', type: 'ID_FRONT', sha256: sha('a') },
      { documentId: 'd2', type: 'ID_FRONT', sha256: sha('a') },
      { documentId: 'd3', type: 'ID_FRONT', sha256: sha('a') },
    ]);
    expect(warnings).toEqual([
      {
        code: 'DUPLICATE_UPLOAD',
        severity: 'MEDIUM',
        message: {
          zh: `同一文件（sha256 aaaaaaaaaaaa…）作为身份证人像面重复上传了 3 次`,
          en: `The same file (sha256 aaaaaaaaaaaa…) was uploaded 3 times as ID card (front)`,
        },
      },
    ]);
  });

  it('warns exactly once per file that appears more than once', () => {
    const doc = fc.record({
      type: fc.constantFrom(...DOCUMENT_TYPES),
      sha256: fc.constantFrom(sha('a'), sha('b'), sha('c')),
    });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 12 }), (docs) => {
        const list = docs.map((d, i) => ({ ...d, documentId: `d${i}` }));
        const copies = (h: string) => list.filter((d) => d.sha256 === h);
        const expected = [sha('a'), sha('b'), sha('c')].filter((h) => copies(h).length > 1);
        const warnings = documentWarnings(list);
        expect(warnings).toHaveLength(expected.length);
        // Under several types it is HIGH; the same type again is MEDIUM.
        const high = expected.filter((h) => new Set(copies(h).map((d) => d.type)).size > 1);
        expect(warnings.filter((w) => w.severity === 'HIGH')).toHaveLength(high.length);
      }),
    );
  });
});
