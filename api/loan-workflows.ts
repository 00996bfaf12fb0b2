// Starting and addressing loan workflows from the API (and from tests, the same way).
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Application } from '../domain/validation/application.js';
import type { LoanProduct } from '../domain/products.js';
import { BorrowerHashKey, LoanAmountKey, LoanStatusKey, LoanTypeKey } from '../contracts/search-attributes.js';
import type { LoanWorkflowInput } from '../contracts/loan-view.js';
import type { LoanWorkflow } from '../contracts/loan-workflow.js';

export function loanWorkflowInput(args: {
  loanId: string;
  borrowerId: string;
  borrowerHash: string;
  channel: 'ONLINE' | 'OFFLINE';
  product: LoanProduct;
  application: Application;
  annualRate: string;
}): LoanWorkflowInput {
  const a = args.application;
  return {
    loanId: args.loanId,
    borrowerId: args.borrowerId,
    borrowerHash: args.borrowerHash,
    loanType: a.loanType,
    channel: args.channel,
    product: args.product,
    requested: {
      amount: a.amount,
      termCount: a.termCount,
      method: a.method,
      frequency: a.frequency,
      annualRate: args.annualRate,
    },
    purpose: a.purpose,
  };
}

/** The view fields a loan's workflow starts with (workflows/loan.ts), stored with the new loan row. */
export function initialViewFields(input: LoanWorkflowInput): Record<string, unknown> {
  return {
    requested: input.requested,
    requiredDocuments: [...input.product.requiredDocuments],
    missingDocuments: [...input.product.requiredDocuments],
    documents: [],
    reviews: [],
    disbursements: [],
  };
}

/** Starts the loan's workflow; starting it again (a retried request) attaches to the running one. */
export function loanHandle(client: Client, loanId: string): WorkflowHandle<LoanWorkflow> {
  return client.workflow.getHandle<LoanWorkflow>(loanId);
}

export async function startLoanWorkflow(
  client: Client,
  taskQueue: string,
  input: LoanWorkflowInput,
  timeZone: string,
): Promise<WorkflowHandle<LoanWorkflow>> {
  return client.workflow.start<LoanWorkflow>('loanWorkflow', {
    workflowId: input.loanId,
    taskQueue,
    args: [{ kind: 'ORIGINATION', input, options: { timeZone } }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [
      { key: LoanStatusKey, value: 'AWAITING_DOCUMENTS' },
      { key: LoanTypeKey, value: input.loanType },
      { key: LoanAmountKey, value: Number(input.requested.amount) },
      { key: BorrowerHashKey, value: input.borrowerHash },
    ],
  });
}
