// Audited unmasking: which of a loan's personal fields a staff role may see in full, for a loan in
// its own tasks, once it has given a reason. Everyone else, and every other field, stays masked.
import type { Role } from './types.js';

export const UNMASKABLE_FIELDS = ['name', 'idNumber', 'phone'] as const;
export type UnmaskableField = (typeof UNMASKABLE_FIELDS)[number];

/** Reviewers compare the ID photo with the application; collectors call the borrower. */
const FIELDS_BY_ROLE: Partial<Record<Role, readonly UnmaskableField[]>> = {
  INITIAL_REVIEWER: ['name', 'idNumber', 'phone'],
  FINAL_REVIEWER: ['name', 'idNumber', 'phone'],
  COLLECTOR: ['phone'],
};

export function unmaskableFields(role: Role): readonly UnmaskableField[] {
  return FIELDS_BY_ROLE[role] ?? [];
}

/** The requested fields the role may not see in full, in the order asked. */
export function refusedFields(role: Role, requested: readonly UnmaskableField[]): UnmaskableField[] {
  const allowed = unmaskableFields(role);
  return requested.filter((field) => !allowed.includes(field));
}

/** A reason a person wrote, trimmed; at least this long to say something. */
export const MIN_REASON_LENGTH = 4;
export const MAX_REASON_LENGTH = 200;
