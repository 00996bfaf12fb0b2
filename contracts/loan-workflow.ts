// How callers start and address the loan workflow. They only ever start origination; the runs
// after it (a long disbursement wait, servicing) are the workflow's own continue-as-new.
import type { LoanView, LoanWorkflowInput } from './loan-view.js';

export interface LoanWorkflowOptions {
  timeZone: string;
}

export interface OriginationStart {
  kind: 'ORIGINATION';
  input: LoanWorkflowInput;
  options: LoanWorkflowOptions;
}

/** The loan workflow as its callers see it (registered under the name 'loanWorkflow'). */
export type LoanWorkflow = (args: OriginationStart) => Promise<LoanView>;
