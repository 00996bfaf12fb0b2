import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered on whichever Temporal the API connects to (api/search-attributes.ts); the dev
// server is also given them as flags at start (ops/temporal-server.ts).
export const LoanStatusKey = defineSearchAttributeKey('LoanStatus', SearchAttributeType.KEYWORD);
export const LoanTypeKey = defineSearchAttributeKey('LoanType', SearchAttributeType.KEYWORD);
export const LoanAmountKey = defineSearchAttributeKey('LoanAmount', SearchAttributeType.DOUBLE);
export const BorrowerHashKey = defineSearchAttributeKey('BorrowerHash', SearchAttributeType.KEYWORD);

/** Every custom search attribute a loan workflow sets: the namespace must know them all. */
export const LOAN_SEARCH_ATTRIBUTES = [LoanStatusKey, LoanTypeKey, LoanAmountKey, BorrowerHashKey] as const;
