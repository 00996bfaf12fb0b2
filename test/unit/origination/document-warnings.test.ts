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

  it('does not warn about the same file uploaded twice under one type', () => {
    expect(
      documentWarnings([
        { documentId: 'd1', type: 'ID_FRONT', sha256: sha('a') },
        { documentId: 'd2', type: 'ID_FRONT', sha256: sha('a') },
      ]),
    ).toEqual([]);
  });

  it('warns exactly once per file that appears under more than one type', () => {
    const doc = fc.record({
      type: fc.constantFrom(...DOCUMENT_TYPES),
      sha256: fc.constantFrom(sha('a'), sha('b'), sha('c')),
    });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 12 }), (docs) => {
        const list = docs.map((d, i) => ({ ...d, documentId: `d${i}` }));
        const expected = [sha('a'), sha('b'), sha('c')].filter(
          (h) => new Set(list.filter((d) => d.sha256 === h).map((d) => d.type)).size > 1,
        );
        expect(documentWarnings(list)).toHaveLength(expected.length);
      }),
    );
  });
});
