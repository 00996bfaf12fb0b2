// Screening of applicants and guarantors against the sanctions, blacklist and AML watch lists
// (table screening_entries, managed by risk managers through /v1/compliance). Matching is by
// blind index, so the list holds no ID number or name in clear:
//   - an entry with an ID number matches that ID number only (its name is for people to read);
//   - an entry with only a name (many sanctions notices give no ID) matches that exact name.
import { createHmac } from 'node:crypto';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import type { Application } from '../domain/validation/application.js';
import { maskIdNumber, maskName } from '../domain/masking.js';
import { blindIndex, normalizeForIndex } from './blind-index.js';
import type { Keyring } from './keyring.js';

export const SCREENING_LISTS = ['SANCTIONS', 'BLACKLIST', 'AML_WATCH'] as const;
export type ScreeningList = (typeof SCREENING_LISTS)[number];

export type ScreenedSubject = 'APPLICANT' | 'GUARANTOR';

export interface ScreeningHit {
  subject: ScreenedSubject;
  /** The field of the application that matched, e.g. "guarantor.idNumber". */
  field: string;
  entryId: string;
  list: ScreeningList;
  source: string;
  reason: string;
}

/** NFKC, no spaces or middle dots (维吾尔族 names are written with ·), Latin letters lowercased. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\s·•・.]/g, '')
    .toLowerCase();
}

const nameKeys = new WeakMap<Keyring, Buffer>();

/** HMAC of the normalized name under its own derived key, never comparable with other indexes. */
export function nameIndex(keyring: Keyring, name: string): string {
  let key = nameKeys.get(keyring);
  if (!key) {
    key = keyring.derive('screening/name/v1');
    nameKeys.set(keyring, key);
  }
  return createHmac('sha256', key).update(normalizeName(name)).digest('hex');
}

export interface ScreeningIdentity {
  idNumberHash: string | null;
  idNumberMasked: string | null;
  nameHash: string | null;
  nameMasked: string | null;
}

/** What a new list entry stores for an ID number and/or a name: blind indexes and masked forms. */
export function screeningIdentity(keyring: Keyring, person: { idNumber?: string; name?: string }): ScreeningIdentity {
  const id = person.idNumber ? normalizeForIndex('idNumber', person.idNumber) : null;
  const name = person.name?.trim() ? person.name.trim() : null;
  return {
    idNumberHash: id ? blindIndex(keyring, 'idNumber', id) : null,
    idNumberMasked: id ? maskIdNumber(id) : null,
    nameHash: name ? nameIndex(keyring, name) : null,
    nameMasked: name ? maskName(name) : null,
  };
}

/**
 * The list entry the applicant or the guarantor matches, or null when neither does. An ID-number
 * hit of either person comes before any name-only hit (an ID hit refuses, a name hit waits for a
 * compliance officer: api/routes/applications.ts). A name-only entry a compliance officer cleared
 * for this person (by ID number) before no longer matches them (aml_reviews, migration 0036).
 */
export async function screenApplicant(
  sql: Sql | TransactionSql,
  keyring: Keyring,
  application: Pick<Application, 'applicant' | 'guarantor'>,
): Promise<ScreeningHit | null> {
  const people: Array<{ subject: ScreenedSubject; prefix: string; idNumber: string; name: string }> = [
    {
      subject: 'APPLICANT',
      prefix: 'applicant',
      idNumber: application.applicant.idNumber,
      name: application.applicant.name,
    },
    ...(application.guarantor
      ? [
          {
            subject: 'GUARANTOR' as const,
            prefix: 'guarantor',
            idNumber: application.guarantor.idNumber,
            name: application.guarantor.name,
          },
        ]
      : []),
  ];
  const hits: ScreeningHit[] = [];
  for (const person of people) {
    const idHash = blindIndex(keyring, 'idNumber', person.idNumber);
    const nameHash = nameIndex(keyring, person.name);
    const [entry] = await sql<{ id: string; list: ScreeningList; source: string; reason: string; by_id: boolean }[]>`
      select e.id, e.list, e.source, e.reason, e.id_number_hash is not null as by_id from screening_entries e
      where e.removed_at is null
        and (e.id_number_hash = ${idHash}
             or (e.id_number_hash is null and e.name_hash = ${nameHash}
                 and not exists (select 1 from aml_reviews r
                                 where r.entry_id = e.id and r.subject_id_hash = ${idHash} and r.status = 'CLEARED')))
      order by (e.id_number_hash is not null) desc, e.created_at
      limit 1`;
    if (entry) {
      hits.push({
        subject: person.subject,
        field: `${person.prefix}.${entry.by_id ? 'idNumber' : 'name'}`,
        entryId: entry.id,
        list: entry.list,
        source: entry.source,
        reason: entry.reason,
      });
    }
  }
  return hits.find((h) => isIdNumberHit(h)) ?? hits[0] ?? null;
}

/** Whether the hit matched the person's ID number (refused outright) rather than a name-only entry. */
export function isIdNumberHit(hit: ScreeningHit): boolean {
  return hit.field.endsWith('.idNumber');
}
