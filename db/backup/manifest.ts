// What a backup folder holds and how to check it before anyone trusts it.
//
//   manifest.json     this description: tables with row counts and sha256, sequences, migrations,
//                     ledger totals, the audit chain head, the Temporal database file
//   SHA256SUMS        `sha256sum -c SHA256SUMS` checks every file, manifest.json included
//   db/NN_<table>.copy  each table as PostgreSQL COPY text, in foreign-key order
//   temporal/temporal.db  the Temporal dev server's SQLite database, when there is one
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerTotals } from './totals.js';

export const BACKUP_FORMAT = 'microloan-backup/1';
export const MANIFEST_FILE = 'manifest.json';
export const CHECKSUM_FILE = 'SHA256SUMS';

export interface TableEntry {
  name: string;
  /** Relative to the backup folder. */
  file: string;
  rows: number;
  sha256: string;
}

export interface SequenceEntry {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

export interface TemporalEntry {
  file: string;
  sha256: string;
  bytes: number;
  /** "sqlite3 VACUUM INTO" (online, consistent) or "copy" (made while the server was stopped). */
  method: 'sqlite3 VACUUM INTO' | 'copy';
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  database: {
    serverVersion: string;
    migrations: Array<{ version: string; checksum: string }>;
    tables: TableEntry[];
    sequences: SequenceEntry[];
  };
  ledger: LedgerTotals;
  audit: { rows: number; lastId: string; lastHash: string; chainOk: boolean };
  temporal: TemporalEntry | null;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function checksumLines(entries: Array<{ file: string; sha256: string }>): string {
  return entries.map((e) => `${e.sha256}  ${e.file}\n`).join('');
}

/**
 * Checks a backup folder without touching any database: the format, every file listed in
 * SHA256SUMS, and that the manifest's own entries agree with it. Returns the problems found.
 */
export async function verifyBackup(dir: string): Promise<{ manifest: Manifest | null; problems: string[] }> {
  const problems: string[] = [];
  const sumsPath = join(dir, CHECKSUM_FILE);
  if (!existsSync(sumsPath)) return { manifest: null, problems: [`${CHECKSUM_FILE} is missing`] };
  const sums = new Map<string, string>();
  for (const line of readFileSync(sumsPath, 'utf8').split('\n').filter(Boolean)) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!match || match[2]!.includes('..') || match[2]!.startsWith('/')) {
      problems.push(`${CHECKSUM_FILE} has a malformed line`);
      continue;
    }
    sums.set(match[2]!, match[1]!);
  }
  for (const [file, expected] of sums) {
    const path = join(dir, file);
    if (!existsSync(path)) problems.push(`${file} is missing`);
    else if ((await sha256File(path)) !== expected) problems.push(`${file} does not match its sha256`);
  }
  if (!sums.has(MANIFEST_FILE)) problems.push(`${CHECKSUM_FILE} does not cover ${MANIFEST_FILE}`);
  if (problems.length > 0) return { manifest: null, problems };

  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  if (manifest.format !== BACKUP_FORMAT) problems.push(`unknown backup format ${String(manifest.format)}`);
  const listed = [...manifest.database.tables, ...(manifest.temporal ? [manifest.temporal] : [])];
  for (const entry of listed) {
    if (sums.get(entry.file) !== entry.sha256)
      problems.push(`${entry.file}: the manifest and ${CHECKSUM_FILE} disagree`);
  }
  return { manifest, problems };
}
