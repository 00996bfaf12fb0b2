// The CJK font every PDF we issue embeds: Noto Sans SC (SIL Open Font License 1.1), regular weight,
// from the @openfonts/noto-sans-sc_all package, so it ships with the app and no system font is
// needed. The package holds it as WOFF; it is unpacked once per process into a plain TrueType font
// with only the tables a PDF needs (outlines, metrics, character map, names). The layout tables
// (GSUB/GPOS and friends) are left out: Chinese needs no shaping, and parsing them for every
// document would cost seconds. pdf-lib subsets the font to the glyphs a document uses; its subsetter
// writes short glyph offsets, which only hold glyphs of even length, so every glyph is padded to a
// multiple of four bytes here (the font as shipped packs some glyphs to odd lengths, and those came
// out blank).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';

const FONT_MODULE = '@openfonts/noto-sans-sc_all/files/noto-sans-sc-all-400.woff';

/** Tables kept: what a TrueType font needs to draw and measure text. */
const KEPT_TABLES = new Set(['OS/2', 'cmap', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'name', 'post']);

const WOFF_SIGNATURE = 0x774f4646; // "wOFF"

interface Table {
  tag: string;
  checksum: number;
  data: Buffer;
}

/** A WOFF 1.0 file as the sfnt (TrueType) font it wraps, with only `keep`'s tables. */
export function woffToTrueType(woff: Buffer, keep: ReadonlySet<string> = KEPT_TABLES): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== WOFF_SIGNATURE) throw new Error('not a WOFF 1.0 font');
  const flavor = woff.readUInt32BE(4);
  const count = woff.readUInt16BE(12);
  const tables: Table[] = [];
  for (let i = 0; i < count; i++) {
    const at = 44 + i * 20;
    const tag = woff.toString('latin1', at, at + 4);
    if (!keep.has(tag)) continue;
    const offset = woff.readUInt32BE(at + 4);
    const compressed = woff.readUInt32BE(at + 8);
    const original = woff.readUInt32BE(at + 12);
    const raw = woff.subarray(offset, offset + compressed);
    const data = compressed < original ? inflateSync(raw) : Buffer.from(raw);
    if (data.length !== original) throw new Error(`WOFF table ${tag} unpacks to the wrong size`);
    tables.push({ tag, checksum: woff.readUInt32BE(at + 16), data });
  }
  padGlyphs(tables);
  tables.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const headerSize = 12 + 16 * tables.length;
  const size = tables.reduce((sum, t) => sum + ((t.data.length + 3) & ~3), headerSize);
  const out = Buffer.alloc(size);
  const selector = Math.floor(Math.log2(tables.length));
  const searchRange = 2 ** selector * 16;
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(tables.length, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(selector, 8);
  out.writeUInt16BE(tables.length * 16 - searchRange, 10);
  let offset = headerSize;
  tables.forEach((t, i) => {
    const at = 12 + i * 16;
    out.write(t.tag, at, 'latin1');
    out.writeUInt32BE(t.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(t.data.length, at + 12);
    t.data.copy(out, offset);
    offset += (t.data.length + 3) & ~3;
  });
  return out;
}

/** A table's checksum: the sum of its big-endian 32-bit words (zero-padded), modulo 2^32. */
function tableChecksum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    const word = ((data[i] ?? 0) << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0);
    sum = (sum + (word >>> 0)) >>> 0;
  }
  return sum;
}

/** Rewrites glyf and loca so every glyph starts on, and fills up to, a four-byte boundary (long offsets). */
function padGlyphs(tables: Table[]): void {
  const head = tables.find((t) => t.tag === 'head');
  const loca = tables.find((t) => t.tag === 'loca');
  const glyf = tables.find((t) => t.tag === 'glyf');
  if (!head || !loca || !glyf) return;
  const long = head.data.readInt16BE(50) === 1;
  const count = loca.data.length / (long ? 4 : 2);
  const offsetAt = (i: number) => (long ? loca.data.readUInt32BE(i * 4) : loca.data.readUInt16BE(i * 2) * 2);
  const pieces: Buffer[] = [];
  const offsets = Buffer.alloc(count * 4);
  let at = 0;
  for (let i = 0; i < count - 1; i++) {
    offsets.writeUInt32BE(at, i * 4);
    const glyph = glyf.data.subarray(offsetAt(i), offsetAt(i + 1));
    const padded = Buffer.alloc((glyph.length + 3) & ~3);
    glyph.copy(padded);
    pieces.push(padded);
    at += padded.length;
  }
  offsets.writeUInt32BE(at, (count - 1) * 4);
  glyf.data = Buffer.concat(pieces);
  loca.data = offsets;
  head.data = Buffer.from(head.data);
  head.data.writeInt16BE(1, 50);
  for (const t of [glyf, loca, head]) t.checksum = tableChecksum(t.data);
}

let cached: Buffer | undefined;

/** The document font as TrueType bytes, unpacked on first use. */
export function documentFont(): Buffer {
  cached ??= woffToTrueType(readFileSync(createRequire(import.meta.url).resolve(FONT_MODULE)));
  return cached;
}
