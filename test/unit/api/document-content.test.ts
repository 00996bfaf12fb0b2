import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_LIMITS,
  DocumentRejected,
  hasControlCharacters,
  inspectDocument,
} from '../../../api/document-content.js';
import { DOCUMENT_TYPES } from '../../../domain/types.js';
import { samplePdf, sampleDocument } from '../../../drivers/sample-documents.js';

function png(width: number, height: number): Uint8Array {
  const image = new PNG({ width, height });
  image.data.fill(200);
  return new Uint8Array(PNG.sync.write(image));
}

function jpg(width: number, height: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: Buffer.alloc(width * height * 4, 128), width, height }, 80).data);
}

async function refusal(bytes: Uint8Array): Promise<DocumentRejected> {
  const err = await inspectDocument(bytes).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentRejected);
  const problem = (err as DocumentRejected).problem;
  expect(problem.field).toBe('file');
  expect(problem.message.zh).toMatch(/[\u4e00-\u9fff]/);
  expect(problem.message.en).toMatch(/[a-z]/);
  return err as DocumentRejected;
}

describe('document content', () => {
  it('accepts a readable PNG, JPEG and PDF, and tells their size', async () => {
    expect(await inspectDocument(png(800, 500))).toEqual({ contentType: 'image/png', width: 800, height: 500 });
    expect(await inspectDocument(jpg(500, 800))).toEqual({ contentType: 'image/jpeg', width: 500, height: 800 });
    expect(await inspectDocument(await samplePdf('Statement', ['one line']))).toEqual({
      contentType: 'application/pdf',
      pages: 1,
    });
  });

  it('accepts every sample document the tests upload, each type a different file', async () => {
    const hashes = new Set<string>();
    for (const type of DOCUMENT_TYPES) {
      const sample = await sampleDocument(type);
      expect((await inspectDocument(sample.bytes)).contentType).toBe(sample.contentType);
      hashes.add(Buffer.from(sample.bytes).toString('base64'));
    }
    expect(hashes.size).toBe(DOCUMENT_TYPES.length);
  });

  it('refuses an 8×8 picture and one below the minimum on either side', async () => {
    expect((await refusal(png(8, 8))).problem.code).toBe('IMAGE_TOO_SMALL');
    expect((await refusal(jpg(8, 8))).problem.code).toBe('IMAGE_TOO_SMALL');
    expect((await refusal(png(DOCUMENT_LIMITS.minLongSide, DOCUMENT_LIMITS.minShortSide - 1))).problem.code).toBe(
      'IMAGE_TOO_SMALL',
    );
    await expect(
      inspectDocument(png(DOCUMENT_LIMITS.minShortSide, DOCUMENT_LIMITS.minLongSide)),
    ).resolves.toMatchObject({
      width: DOCUMENT_LIMITS.minShortSide,
    });
  });

  it('refuses a PNG whose header claims a huge bitmap without unpacking it', async () => {
    // 20000×20000 declared, a few bytes of data: refused from the header alone.
    const header = Buffer.alloc(13);
    header.writeUInt32BE(20_000, 0);
    header.writeUInt32BE(20_000, 4);
    header[8] = 8;
    header[9] = 2;
    const real = Buffer.from(png(400, 300));
    const bomb = Buffer.concat([real.subarray(0, 16), header, real.subarray(29, 33), deflateSync(Buffer.alloc(10))]);
    expect((await refusal(bomb)).problem.code).toBe('IMAGE_TOO_LARGE');
  });

  it('refuses files that only start like a picture or a PDF', async () => {
    const pngHead = png(400, 300).subarray(0, 40);
    expect((await refusal(pngHead)).problem.code).toBe('UNREADABLE_FILE');
    const corrupt = Buffer.from(png(400, 300));
    corrupt[corrupt.length - 20] = corrupt[corrupt.length - 20]! ^ 0xff;
    expect((await refusal(corrupt)).problem.code).toBe('UNREADABLE_FILE');
    expect((await refusal(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]))).problem.code).toBe(
      'UNREADABLE_FILE',
    );
    expect((await refusal(Buffer.from('%PDF-1.7\nnot really a pdf\n%%EOF'))).problem.code).toBe('UNREADABLE_FILE');
    expect((await refusal(Buffer.from('GIF89a....'))).problem.code).toBe('UNSUPPORTED_FILE');
  });

  it('refuses a PDF with more pages than a loan document has', async () => {
    const pdf = await PDFDocument.create({ updateMetadata: false });
    for (let i = 0; i <= DOCUMENT_LIMITS.maxPdfPages; i += 1) pdf.addPage();
    expect((await refusal(await pdf.save())).problem.code).toBe('TOO_MANY_PAGES');
  });

  it('finds control characters in file names', () => {
    expect(hasControlCharacters('id\u0000.png')).toBe(true);
    expect(hasControlCharacters('id\t.png')).toBe(true);
    expect(hasControlCharacters('id\u202e.png')).toBe(true);
    expect(hasControlCharacters('身份证 正面 (1).png')).toBe(false);
  });
});
