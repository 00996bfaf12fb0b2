// The parts of the loan view only the workflow knows, as the workflow hands them to the loans
// projection (loans.view_fields) and the projection stores them: which fields, the patch of those
// that changed, and the stamp that orders the writes (workflows/view-projection.ts sends them,
// activities/view-fields.ts stores them).
import type { LoanView } from './loan-view.js';

export const PROJECTED_VIEW_FIELDS = [
  'requested',
  'requiredDocuments',
  'missingDocuments',
  'documents',
  'documentDeadline',
  'decision',
  'reviews',
  'contract',
  'disbursements',
  'scheduleConfirmation',
  'closedReason',
  'servicing',
  'openReview',
  'attention',
  'refunds',
  'payoutAccount',
  'restructuring',
] as const;

export type ProjectedViewField = (typeof PROJECTED_VIEW_FIELDS)[number];

/** Fields that changed, with their new values; null when a field went away. */
export type ViewPatch = Partial<Record<ProjectedViewField, unknown>>;

/**
 * Orders the writes of one loan across activities and runs: [servicing run, event sequence, write
 * since that event]. A later state of the loan always has a larger stamp.
 */
export type ViewStamp = [number, number, number];

export interface ViewHandover {
  view: ViewPatch;
  viewStamp: ViewStamp;
}

/** A field's value as it is handed over. */
export function projectedValue(view: LoanView, field: ProjectedViewField): unknown {
  const value = view[field];
  // Recent payments are read from the repayments table; sending them would repeat 20 payments each time.
  if (field === 'servicing' && view.servicing) return { ...view.servicing, recentPayments: undefined };
  return value;
}

/** Every projected field the view has, as it is stored (JSON). */
export function projectedFields(view: LoanView): ViewPatch {
  const fields: ViewPatch = {};
  for (const field of PROJECTED_VIEW_FIELDS) {
    const value = projectedValue(view, field);
    if (value !== undefined) fields[field] = JSON.parse(JSON.stringify(value)) as unknown;
  }
  return fields;
}
