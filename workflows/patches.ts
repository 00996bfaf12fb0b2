// Every behaviour change to code that running loans execute is guarded by patched(<id>) with an id
// from this list (docs/operations/upgrading.md). An id is never renamed or reused; it is removed only
// through deprecatePatch, once no loan anywhere can still replay the old path.
export const PATCHES = {
  /** Disbursement posts the payout to the ledger. */
  POST_DISBURSEMENT_TO_LEDGER: 'post-disbursement-to-ledger',
} as const;
