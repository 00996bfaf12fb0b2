import type { BilingualText } from './types.js';

/** One problem with one input field, in words a person can act on. */
export interface FieldProblem {
  /** Dotted path of the field, e.g. "applicant.idNumber" or "fees.0.amount". */
  field: string;
  /** Stable machine code, e.g. "INVALID_CHECKSUM". */
  code: string;
  message: BilingualText;
}

export type Result<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...problems: FieldProblem[]): Result<T> => ({ ok: false, problems });

export function problem(field: string, code: string, zh: string, en: string): FieldProblem {
  return { field, code, message: { zh, en } };
}

/** A business rule said no. Thrown from domain code used inside workflows and activities. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly text: BilingualText,
    readonly field?: string,
  ) {
    super(`${code}: ${text.en}`);
    this.name = 'DomainError';
  }
}
