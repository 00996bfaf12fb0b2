// What an uploaded document must be before it is stored: a picture that decodes (PNG or JPEG) of
// a size a reviewer can read, or a PDF that parses and is not locked. The kind is recognised by
// the file's first bytes, never by what the client claims; the pixel count is read from the
// header before anything is decoded, so a small file that unpacks into a huge bitmap is refused
// without unpacking it.
import jpeg from 'jpeg-js';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';
import type { FieldProblem } from '../domain/errors.js';

export const DOCUMENT_LIMITS = {
  maxBytes: 10 * 1024 * 1024,
  /** A photographed or scanned ID card, statement or licence is at least this big; an 8×8 picture is not. */
  minShortSide: 300,
  minLongSide: 400,
  maxSide: 12_000,
  maxPixels: 40_000_000,
  maxPdfPages: 100,
  maxDocumentsPerLoan: 20,
} as const;

export type DocumentContentType = 'image/png' | 'image/jpeg' | 'application/pdf';

export interface DocumentContent {
  contentType: DocumentContentType;
  /** Pixels for a picture, pages for a PDF. */
  width?: number;
  height?: number;
  pages?: number;
}

const SIGNATURES: Array<{ type: DocumentContentType; magic: number[] }> = [
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
];

export function sniffContentType(bytes: Uint8Array): DocumentContentType | null {
  return SIGNATURES.find((s) => s.magic.every((b, i) => bytes[i] === b))?.type ?? null;
}

/** A refusal of the uploaded file, naming the field, in both languages. */
export class DocumentRejected extends Error {
  constructor(readonly problem: FieldProblem) {
    super(problem.message.en);
    this.name = 'DocumentRejected';
  }
}

function reject(code: string, zh: string, en: string): never {
  throw new DocumentRejected({ field: 'file', code, message: { zh, en } });
}

function checkPixels(width: number, height: number): void {
  const { minShortSide, minLongSide, maxSide, maxPixels } = DOCUMENT_LIMITS;
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (short < minShortSide || long < minLongSide)
    reject(
      'IMAGE_TOO_SMALL',
      `图片仅 ${width}×${height} 像素，至少需要 ${minLongSide}×${minShortSide}，请上传清晰的原图`,
      `the picture is only ${width}×${height} pixels; at least ${minLongSide}×${minShortSide} is needed, upload a clear original`,
    );
  if (long > maxSide || width * height > maxPixels)
    reject(
      'IMAGE_TOO_LARGE',
      `图片为 ${width}×${height} 像素，每边不得超过 ${maxSide}、总像素不得超过 ${maxPixels}`,
      `the picture is ${width}×${height} pixels; each side must be at most ${maxSide} and the total at most ${maxPixels}`,
    );
}

function undecodable(kind: string): never {
  reject('UNREADABLE_FILE', `${kind} 文件已损坏或无法解码`, `the ${kind} file is damaged or cannot be decoded`);
}

function inspectPng(bytes: Buffer): DocumentContent {
  // IHDR is the first chunk: length(4) "IHDR"(4) width(4) height(4).
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') undecodable('PNG');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  checkPixels(width, height);
  try {
    const png = PNG.sync.read(bytes, { checkCRC: true });
    if (png.width !== width || png.height !== height) undecodable('PNG');
  } catch (err) {
    if (err instanceof DocumentRejected) throw err;
    undecodable('PNG');
  }
  return { contentType: 'image/png', width, height };
}

function inspectJpeg(bytes: Buffer): DocumentContent {
  let decoded: { width: number; height: number };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      maxResolutionInMP: DOCUMENT_LIMITS.maxPixels / 1_000_000,
      maxMemoryUsageInMB: 256,
      tolerantDecoding: false,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message))
      reject(
        'IMAGE_TOO_LARGE',
        `图片总像素不得超过 ${DOCUMENT_LIMITS.maxPixels}`,
        `the picture must have at most ${DOCUMENT_LIMITS.maxPixels} pixels`,
      );
    undecodable('JPEG');
  }
  checkPixels(decoded.width, decoded.height);
  return { contentType: 'image/jpeg', width: decoded.width, height: decoded.height };
}

async function inspectPdf(bytes: Buffer): Promise<DocumentContent> {
  let pages: number;
  try {
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true });
    pages = pdf.getPageCount();
  } catch (err) {
    if (err instanceof Error && err.name === 'EncryptedPDFError')
      reject('ENCRYPTED_PDF', 'PDF 已加密，请上传未加密的文件', 'the PDF is encrypted; upload it without a password');
    undecodable('PDF');
  }
  if (pages < 1) reject('EMPTY_PDF', 'PDF 没有页面', 'the PDF has no pages');
  if (pages > DOCUMENT_LIMITS.maxPdfPages)
    reject(
      'TOO_MANY_PAGES',
      `PDF 不得超过 ${DOCUMENT_LIMITS.maxPdfPages} 页`,
      `the PDF must have at most ${DOCUMENT_LIMITS.maxPdfPages} pages`,
    );
  return { contentType: 'application/pdf', pages };
}

/** What the file is, when it is a readable document; throws DocumentRejected otherwise. */
export async function inspectDocument(bytes: Uint8Array): Promise<DocumentContent> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (sniffContentType(bytes)) {
    case 'image/png':
      return inspectPng(buffer);
    case 'image/jpeg':
      return inspectJpeg(buffer);
    case 'application/pdf':
      return inspectPdf(buffer);
    default:
      return reject('UNSUPPORTED_FILE', '仅支持 JPEG、PNG 或 PDF 文件', 'only JPEG, PNG or PDF files are accepted');
  }
}

/** C0 and C1 controls, DEL, and the bidirectional overrides that make a name read other than it is. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export function hasControlCharacters(name: string): boolean {
  return CONTROL_CHARACTERS.test(name);
}
