// Realistic, valid documents to upload in tests, demos and benches, a different file for each
// document type: ID cards and certificates as scanned pictures (PNG or JPEG) big enough to read,
// proofs of income and bank statements as PDFs with a page of text. Each is built here, the same
// bytes every time, so nothing is fetched.
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

// ---------------------------------------------------------------- a real PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const TINTS: Array<[number, number, number]> = [
  [31, 78, 156],
  [46, 133, 64],
  [199, 124, 2],
  [120, 60, 160],
  [0, 130, 140],
  [170, 40, 50],
  [90, 90, 90],
];

const CARD_WIDTH = 480;
const CARD_HEIGHT = 300;

/** RGB pixels of a scanned card: a tinted header band, text lines, a photo box; `variant` picks tint and layout. */
function cardPixels(
  variant: number,
  width: number,
  height: number,
): (x: number, y: number) => [number, number, number] {
  const [r, g, b] = TINTS[variant % TINTS.length]!;
  const lineGap = 30 + (variant % 5) * 4;
  return (x, y) => {
    if (y < 70) return [r, g, b];
    if (y % lineGap === 0 && x > 40 && x < width - 150) return [170, 178, 190];
    if (x > width - 130 && x < width - 30 && y > 100 && y < height - 40) return [200, 208, 220];
    return [246, 247, 250];
  };
}

/** A 480×300 RGB PNG that looks like a scanned card. */
export function samplePng(variant = 0): Uint8Array<ArrayBuffer> {
  const pixel = cardPixels(variant, CARD_WIDTH, CARD_HEIGHT);
  const raw = Buffer.alloc((CARD_WIDTH * 3 + 1) * CARD_HEIGHT);
  for (let y = 0; y < CARD_HEIGHT; y++) {
    const row = y * (CARD_WIDTH * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < CARD_WIDTH; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(CARD_WIDTH, 0);
  header.writeUInt32BE(CARD_HEIGHT, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
  return new Uint8Array(png);
}

/** A 480×300 JPEG photo of a certificate. */
export function sampleJpeg(variant = 0): Uint8Array<ArrayBuffer> {
  const pixel = cardPixels(variant, CARD_WIDTH, CARD_HEIGHT);
  const data = Buffer.alloc(CARD_WIDTH * CARD_HEIGHT * 4);
  for (let y = 0; y < CARD_HEIGHT; y++)
    for (let x = 0; x < CARD_WIDTH; x++) {
      const offset = (y * CARD_WIDTH + x) * 4;
      data.set(pixel(x, y), offset);
      data[offset + 3] = 255;
    }
  return new Uint8Array(jpeg.encode({ data, width: CARD_WIDTH, height: CARD_HEIGHT }, 85).data);
}

/** A one-page A4 PDF with a title and a few lines of text. */
export async function samplePdf(title: string, lines: readonly string[]): Promise<Uint8Array<ArrayBuffer>> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText(title, { x: 60, y: 770, size: 20, font, color: rgb(0.1, 0.2, 0.45) });
  lines.forEach((line, i) => page.drawText(line, { x: 60, y: 730 - i * 22, size: 12, font }));
  return new Uint8Array(await pdf.save({ useObjectStreams: false }));
}

export interface SampleDocument {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: 'image/png' | 'image/jpeg' | 'application/pdf';
  filename: string;
}

const STATEMENT_LINES = ['Account holder: on file', 'Period: last 6 months', 'Salary credits: monthly'];

async function build(type: string): Promise<SampleDocument> {
  const name = type.toLowerCase();
  const png = (variant: number): SampleDocument => ({
    bytes: samplePng(variant),
    contentType: 'image/png',
    filename: `${name}.png`,
  });
  const jpg = (variant: number): SampleDocument => ({
    bytes: sampleJpeg(variant),
    contentType: 'image/jpeg',
    filename: `${name}.jpg`,
  });
  const pdf = async (title: string, lines: readonly string[]): Promise<SampleDocument> => ({
    bytes: await samplePdf(title, lines),
    contentType: 'application/pdf',
    filename: `${name}.pdf`,
  });
  switch (type) {
    case 'ID_FRONT':
      return png(0);
    case 'ID_BACK':
      return png(1);
    case 'INCOME_PROOF':
      return pdf('Certificate of income', ['Employer: on file', 'Monthly income: as declared', 'Issued for a loan']);
    case 'BANK_STATEMENT':
      return pdf('Bank statement', STATEMENT_LINES);
    case 'BUSINESS_LICENSE':
      return jpg(2);
    case 'LAND_CERTIFICATE':
      return jpg(3);
    case 'COLLATERAL_CERTIFICATE':
      return jpg(4);
    case 'GUARANTOR_ID':
      return png(5);
    default:
      return png(6);
  }
}

const built = new Map<string, Promise<SampleDocument>>();

/** The sample document for a document type: the same file each call, a different file for each type. */
export function sampleDocument(type: string): Promise<SampleDocument> {
  let document = built.get(type);
  if (!document) {
    document = build(type);
    built.set(type, document);
  }
  return document;
}

/** A multipart form that uploads the sample document of `type`. */
export async function documentForm(type: string): Promise<FormData> {
  const { bytes, contentType, filename } = await sampleDocument(type);
  const form = new FormData();
  form.set('type', type);
  form.set('file', new Blob([bytes], { type: contentType }), filename);
  return form;
}
