import { describe, expect, it } from 'vitest';
import { closedReasonForBorrower } from '../../../api/borrower-closed-reason.js';

const staffNote = {
  zh: '内部：疑似团伙欺诈，见风控工单 4411',
  en: 'internal: suspected fraud ring, see risk ticket 4411',
};

describe('the closed reason a borrower is told', () => {
  it('never passes staff text through for a rejection, a withdrawal or a cancellation', () => {
    for (const status of ['REJECTED', 'WITHDRAWN', 'CANCELLED']) {
      const told = closedReasonForBorrower(status, staffNote);
      expect(told?.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(told?.en).toMatch(/[a-z]/);
      expect(JSON.stringify(told)).not.toMatch(/4411|欺诈|fraud/);
    }
  });

  it("passes an expiry's fixed text through, and says nothing where the loan gave no reason", () => {
    const expired = { zh: '借款人未在有效期内签约', en: 'The offer expired before the borrower signed' };
    expect(closedReasonForBorrower('EXPIRED', expired)).toEqual(expired);
    expect(closedReasonForBorrower('CANCELLED', undefined)).toBeNull();
    expect(closedReasonForBorrower('PAID_OFF', staffNote)).toBeNull();
  });
});
