// A text document as an A4 PDF: a title, then lines of text wrapped to the page, in the embedded
// CJK font (subset to the glyphs used). Deterministic: the same document gives the same bytes, as
// the dates in its metadata are the document's own (never the time of rendering) and the subset
// font carries a fixed name instead of pdf-lib's random tag.
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import { documentFont } from './cjk-font.js';

export interface TextDocument {
  title: string;
  /** Lines in order; an empty string is a blank line; a line starting "# " is a heading. */
  lines: readonly string[];
  /** The document's own date (issue date, payment date…), written as its creation and modification date. */
  documentDate: Date;
  /** Metadata subject, e.g. the loan id and document kind. */
  subject: string;
}

const PAGE: [number, number] = [595.28, 841.89]; // A4 in points
const MARGIN = 56;
const TITLE_SIZE = 18;
const HEADING_SIZE = 13;
const BODY_SIZE = 10.5;
const LEADING = 1.6;
const FONT_NAME = 'NotoSansSC-Regular';
const PRODUCER = 'microloan documents';

/** Splits `text` into pieces no wider than `width` (by characters, as Chinese has no word breaks). */
export function wrapLine(text: string, width: number, measure: (s: string) => number): string[] {
  if (text === '') return [''];
  const out: string[] = [];
  let current = '';
  for (const ch of text) {
    if (current !== '' && measure(current + ch) > width) {
      out.push(current);
      current = ch === ' ' ? '' : ch;
    } else current += ch;
  }
  out.push(current);
  return out;
}

/** Characters the font cannot draw become "?" so a rare character never stops a document. */
function drawable(set: ReadonlySet<number>, text: string): string {
  let out = '';
  for (const ch of text) out += set.has(ch.codePointAt(0)!) || ch === '\n' ? ch : '?';
  return out;
}

export async function renderTextPdf(doc: TextDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(documentFont(), { subset: true, customName: FONT_NAME });
  pdf.setTitle(doc.title);
  pdf.setSubject(doc.subject);
  pdf.setProducer(PRODUCER);
  pdf.setCreator(PRODUCER);
  pdf.setCreationDate(doc.documentDate);
  pdf.setModificationDate(doc.documentDate);
  const width = PAGE[0] - 2 * MARGIN;
  const characters = new Set(font.getCharacterSet());
  let page: PDFPage = pdf.addPage(PAGE);
  let y = PAGE[1] - MARGIN;
  const put = (text: string, size: number) => {
    const step = size * LEADING;
    for (const piece of wrapLine(drawable(characters, text), width, (s) => font.widthOfTextAtSize(s, size))) {
      if (y - step < MARGIN) {
        page = pdf.addPage(PAGE);
        y = PAGE[1] - MARGIN;
      }
      y -= step;
      if (piece !== '') page.drawText(piece, { x: MARGIN, y, size, font, color: rgb(0, 0, 0) });
    }
  };
  put(doc.title, TITLE_SIZE);
  put('', BODY_SIZE);
  for (const line of doc.lines) {
    if (line.startsWith('# ')) put(line.slice(2), HEADING_SIZE);
    else put(line, BODY_SIZE);
  }
  const pages = pdf.getPages();
  pages.forEach((p, i) => {
    const label = `${i + 1} / ${pages.length}`;
    p.drawText(label, {
      x: PAGE[0] - MARGIN - font.widthOfTextAtSize(label, 8),
      y: MARGIN / 2,
      size: 8,
      font,
      color: rgb(0.4, 0.4, 0.4),
    });
  });
  return pdf.save({ useObjectStreams: false });
}
