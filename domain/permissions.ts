// Who may do what: the one table of role → permissions. The API's routes check it (security/permissions.ts
// re-exports it), and the workflow's update validators check the same table through
// contracts/message-permissions.ts, so the two cannot drift. Pure data; no I/O.
import type { Role } from './types.js';

/** Everything a route can require. One name per capability, `<resource>:<action>`. */
export const PERMISSIONS = [
  'loan:apply', // submit an application (borrower for self, loan officer on behalf)
  'loan:read', // read a loan within the caller's scope
  'loan:list', // list and search loans within scope
  'loan:withdraw',
  'payout-account:change', // the borrower gives another payout account (SMS code, re-verified by the bank)
  'document:upload',
  'document:read',
  'review:submit', // send a review decision; the workflow checks stage, role and authority
  'contract:read',
  'contract:sign',
  'repayment:online', // borrower pays own loan online
  'repayment:record', // finance records cash or bank transfers
  'repayment:read',
  'task:read',
  'collection:act', // collectors record contact outcomes
  'writeoff:approve',
  'refund:decide', // finance approves, rejects or retries a refund owed to a borrower
  'product:read',
  'product:manage',
  'disbursement:retry',
  'disbursement:pause',
  'disbursement:read', // see whether payouts are paused, by whom and since when
  'loan:resolve', // ops retry the failed step of a loan in NEEDS_ATTENTION, or close it before payout
  'ledger:read',
  'ledger:close', // month-end close of a ledger period
  'capital:record', // capital paid into the bank account
  'provision:manage', // loan-loss provision rates by class
  'reconciliation:run',
  'report:read',
  'audit:read',
  'codec:use', // decrypt Temporal payloads for Temporal Web and the CLI
  'user:manage',
  'apikey:manage',
  'pii:unmasked', // see personal data without masking
  'pii:unmask-own', // see, giving a reason, the personal data of loans in one's own tasks (audited; domain/unmasking.ts)
  'borrower:search', // find loans by phone, ID number, name or loan id (blind indexes; results masked)
  'borrower:read', // a borrower's 360 view: every loan, payment, contact, note and document (masked)
  'compliance:manage', // the sanctions / blacklist / AML screening list
  'credit-report:read', // the credit reporting records of a day (masked) and the borrowers' disputes
  'credit-report:submit', // run a day's credit report, send corrections and deletions, record dispute findings
  'credit-dispute:raise', // a borrower disputes what was reported about their own loan
  'restructure:request', // ask for an extension or restructuring (borrower for own loan, loan officer)
  'restructure:approve', // approve or reject one, within the product's final approval authority
  'collection:assign', // assign collection cases (by the rule or to a collector) and set what each collector covers
  'collection:supervise', // every open collection case and each collector's figures
  'aml:review', // clear or confirm a screening hit in the AML review queue (反洗钱复核)
  'aml:report', // run detection, submit or dismiss large-value and suspicious transaction reports, export them
  'template:manage', // edit, preview and activate message templates (消息模板)
  'classification:override', // propose, approve or reject a loan's five-category class (maker-checker)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The one table that says who may do what. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  BORROWER: [
    'loan:apply',
    'loan:read',
    'loan:list',
    'loan:withdraw',
    'payout-account:change',
    'document:upload',
    'document:read',
    'contract:read',
    'contract:sign',
    'repayment:online',
    'repayment:read',
    'product:read',
    'credit-dispute:raise',
    'restructure:request',
  ],
  LOAN_OFFICER: [
    'loan:apply',
    'loan:read',
    'loan:list',
    'loan:withdraw',
    'document:upload',
    'document:read',
    'contract:read',
    'repayment:read',
    'product:read',
    'task:read',
    'borrower:search',
    'borrower:read',
    'restructure:request',
  ],
  INITIAL_REVIEWER: [
    'loan:read',
    'loan:list',
    'document:read',
    'review:submit',
    'contract:read',
    'task:read',
    'product:read',
    'pii:unmask-own',
    'borrower:search',
    'borrower:read',
  ],
  FINAL_REVIEWER: [
    'loan:read',
    'loan:list',
    'document:read',
    'review:submit',
    'contract:read',
    'task:read',
    'product:read',
    'report:read',
    'pii:unmask-own',
    'borrower:search',
    'borrower:read',
    'restructure:approve',
  ],
  FINANCE: [
    'loan:read',
    'loan:list',
    'repayment:record',
    'repayment:read',
    'refund:decide',
    'task:read',
    'ledger:read',
    'ledger:close',
    'capital:record',
    'provision:manage',
    'reconciliation:run',
    'disbursement:retry',
    'disbursement:read',
    'report:read',
    'product:read',
    'contract:read',
    'borrower:search',
    'borrower:read',
  ],
  COLLECTOR: [
    'loan:read',
    'loan:list',
    'repayment:read',
    'task:read',
    'collection:act',
    'product:read',
    'pii:unmask-own',
    'borrower:search',
    'borrower:read',
  ],
  RISK_MANAGER: [
    'loan:read',
    'loan:list',
    'document:read',
    'review:submit',
    'product:read',
    'product:manage',
    'writeoff:approve',
    'report:read',
    'repayment:read',
    'task:read',
    'contract:read',
    'disbursement:pause',
    'disbursement:read',
    'compliance:manage',
    'provision:manage',
    'borrower:search',
    'borrower:read',
    'credit-report:read',
    'credit-report:submit',
    'restructure:approve',
    'collection:assign',
    'collection:supervise',
    'classification:override',
  ],
  AUDITOR: [
    'loan:read',
    'loan:list',
    'audit:read',
    'ledger:read',
    'report:read',
    'repayment:read',
    'product:read',
    'contract:read',
    'borrower:search',
    'borrower:read',
    'credit-report:read',
  ],
  OPS: [
    'loan:read',
    'loan:list',
    'loan:resolve',
    'codec:use',
    'disbursement:retry',
    'disbursement:pause',
    'disbursement:read',
    'reconciliation:run',
    'report:read',
    'product:read',
    'task:read',
    'template:manage',
  ],
  // User management and lending decisions are separate duties: ADMIN creates the accounts, so it does not review.
  ADMIN: [
    'loan:read',
    'loan:list',
    'user:manage',
    'apikey:manage',
    'product:read',
    'product:manage',
    'report:read',
    'audit:read',
    'disbursement:pause',
    'disbursement:read',
    'compliance:manage',
  ],
  // The AML compliance officer (反洗钱合规岗): keeps the screening list, decides its hits, reports transactions.
  COMPLIANCE: [
    'loan:read',
    'loan:list',
    'repayment:read',
    'product:read',
    'borrower:search',
    'borrower:read',
    'compliance:manage',
    'aml:review',
    'aml:report',
  ],
};

/** Whether the role holds the permission; false for a role the table does not name (a forged message's). */
export function can(role: Role, permission: Permission): boolean {
  return Object.hasOwn(ROLE_PERMISSIONS, role) && ROLE_PERMISSIONS[role].includes(permission);
}
