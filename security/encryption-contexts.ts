// Every encryption context (the AES-GCM additional data) of the data we encrypt. A value opens
// only under the context it was sealed with, so each text here is fixed for as long as data
// sealed under it is kept: a new context is a new name, never an edited one.

/** Personal data in `users`. */
export const USER_FIELDS = {
  name: 'users.name',
  phone: 'users.phone',
  idNumber: 'users.id_number',
} as const;

/** The application form in `loans.application_enc`. */
export const APPLICATION_CONTEXT = 'loans.application';

/** Contract bodies in `contracts.html_enc`. */
export const CONTRACT_CONTEXT = 'contracts.html';

/** Settlement certificate bodies in `settlement_certificates.html_enc`. */
export const CERTIFICATE_CONTEXT = 'settlement_certificates.html';

/** Repayment schedule confirmation bodies in `schedule_confirmations.html_enc`. */
export const SCHEDULE_CONFIRMATION_CONTEXT = 'schedule_confirmations.html';

/** Supplementary contract (补充协议) bodies in `supplementary_contracts.html_enc`. */
export const SUPPLEMENTARY_CONTRACT_CONTEXT = 'supplementary_contracts.html';

/** Uploaded files in `documents.content_enc`. */
export const DOCUMENT_CONTEXT = 'documents.content';

/** Borrower PDFs (receipts, statements, contract and certificate copies) in `borrower_documents.pdf_enc`. */
export const BORROWER_PDF_CONTEXT = 'borrower_documents.pdf';

/** Channels' webhook signing secrets in `webhook_subscriptions.secret_enc`. */
export const WEBHOOK_SECRET_CONTEXT = 'webhook_subscriptions.secret';

/** Credit report records in `credit_report_records.body_enc` (they carry the borrower's name and ID number). */
export const CREDIT_REPORT_RECORD_CONTEXT = 'credit_report_records.body';

/** Submission files of credit reporting under data/credit-reporting/ (sealed bytes). */
export const CREDIT_REPORT_FILE_CONTEXT = 'credit_report_submissions.file';

/** Borrowers' dispute reasons and staff findings in `credit_disputes`. */
export const CREDIT_DISPUTE_CONTEXT = 'credit_disputes.text';

/** Temporal payloads, bound to the id of the key that sealed them. */
export const temporalPayloadContext = (keyId: string): string => `microloan/temporal-payload/v1:${keyId}`;

/** Collectors' contact notes in `collection_contacts.note_enc`. */
export const COLLECTION_NOTE_CONTEXT = 'collection_contacts.note';
