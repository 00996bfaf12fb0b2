// Why a closed loan closed, as the borrower is told it. The workflow's reason is staff text: an
// operator's free-text note on a cancellation, the officer's or the borrower's words on a
// withdrawal, the automatic decision's reasons (scores, thresholds, a screening-list hit) on a
// rejection. The borrower gets a fixed sentence per outcome instead; only an expiry, whose reason
// the workflow writes from fixed texts (the document deadline, the offer's), is passed through.
import type { BilingualText } from '../domain/types.js';

const FOR_BORROWER: Partial<Record<string, BilingualText>> = {
  REJECTED: { zh: '很抱歉，本次申请未获批准。', en: 'We are sorry: this application was not approved.' },
  WITHDRAWN: { zh: '申请已撤回。', en: 'The application was withdrawn.' },
  CANCELLED: {
    zh: '贷款已取消，如有疑问请联系客服。',
    en: 'The loan was cancelled; please contact us with any questions.',
  },
};

export function closedReasonForBorrower(status: string, reason: BilingualText | undefined): BilingualText | null {
  if (!reason) return null;
  if (status === 'EXPIRED') return { zh: reason.zh, en: reason.en };
  return FOR_BORROWER[status] ?? null;
}
