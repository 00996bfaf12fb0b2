import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on the server by ops/temporal-server.ts (dev) or by ops (production). */
export const LoanStatusKey = defineSearchAttributeKey('LoanStatus', SearchAttributeType.KEYWORD);
export const LoanTypeKey = defineSearchAttributeKey('LoanType', SearchAttributeType.KEYWORD);
export const LoanAmountKey = defineSearchAttributeKey('LoanAmount', SearchAttributeType.DOUBLE);
export const BorrowerHashKey = defineSearchAttributeKey('BorrowerHash', SearchAttributeType.KEYWORD);
