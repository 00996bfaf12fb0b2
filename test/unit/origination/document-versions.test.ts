import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentVersions } from '../../../domain/document-versions.js';
import { DOCUMENT_TYPES } from '../../../domain/types.js';

const sha = (c: string) => c.repeat(64);
const at = (minute: number) => `2026-12-07T08:${String(minute).padStart(2, '0')}:00.000Z`;

describe('document versions', () => {
  it('keeps the newest upload of a type and lists the older ones as replaced by it', () => {
    const { current, superseded } = documentVersions(
      [
        { documentId: 'front-1', type: 'ID_FRONT', sha256: sha('a') },
        { documentId: 'back-1', type: 'ID_BACK', sha256: sha('b') },
        { documentId: 'front-2', type: 'ID_FRONT', sha256: sha('c') },
        { documentId: 'front-3', type: 'ID_FRONT', sha256: sha('d') },
      ],
      { 'front-1': at(1), 'back-1': at(2), 'front-2': at(3), 'front-3': at(4) },
    );
    expect(current.map((d) => [d.documentId, d.replaces])).toEqual([
      ['back-1', []],
      ['front-3', ['front-2', 'front-1']],
    ]);
    expect(superseded.map((d) => [d.documentId, d.supersededBy])).toEqual([
      ['front-1', 'front-3'],
      ['front-2', 'front-3'],
    ]);
  });

  it('orders by upload time, not by the order the list came in', () => {
    const { current } = documentVersions(
      [
        { documentId: 'late', type: 'BANK_STATEMENT', sha256: sha('a') },
        { documentId: 'early', type: 'BANK_STATEMENT', sha256: sha('b') },
      ],
      { late: at(9), early: at(1) },
    );
    expect(current.map((d) => d.documentId)).toEqual(['late']);
  });

  it('never replaces 其他资料 (OTHER): every such file counts', () => {
    const { current, superseded } = documentVersions(
      [
        { documentId: 'o1', type: 'OTHER', sha256: sha('a') },
        { documentId: 'o2', type: 'OTHER', sha256: sha('b') },
      ],
      { o1: at(1), o2: at(2) },
    );
    expect(current.map((d) => d.documentId)).toEqual(['o1', 'o2']);
    expect(superseded).toEqual([]);
  });

  it('always leaves exactly one current document per type but OTHER, and loses none', () => {
    const doc = fc.record({ type: fc.constantFrom(...DOCUMENT_TYPES), minute: fc.integer({ min: 0, max: 59 }) });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 15 }), (docs) => {
        const list = docs.map((d, i) => ({ documentId: `d${i}`, type: d.type, sha256: sha(String(i % 10)) }));
        const times = Object.fromEntries(docs.map((d, i) => [`d${i}`, at(d.minute)]));
        const { current, superseded } = documentVersions(list, times);
        expect(current.length + superseded.length).toBe(list.length);
        for (const type of new Set(list.map((d) => d.type))) {
          const shown = current.filter((d) => d.type === type);
          if (type === 'OTHER') expect(shown).toHaveLength(list.filter((d) => d.type === 'OTHER').length);
          else {
            expect(shown).toHaveLength(1);
            const newest = Math.max(
              ...list.filter((d) => d.type === type).map((d) => Date.parse(times[d.documentId]!)),
            );
            expect(Date.parse(shown[0]!.uploadedAt!)).toBe(newest);
          }
        }
        for (const old of superseded) expect(current.some((d) => d.documentId === old.supersededBy)).toBe(true);
      }),
    );
  });
});
