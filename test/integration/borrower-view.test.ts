// The borrower's view without the lender's internals, over the real stack: a borrower's and a
// channel's GET /v1/loans/{id} holds none of the internal keys (checked recursively against a deny
// list, and against the strict BorrowerLoanDetail schema that allows only its own keys); staff still
// see them; a reviewer's comment for the borrower shows, the internal comment does not. The products
// for a borrower or a channel leave out the decision policy.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { BorrowerLoanDetail } from '../../api/borrower-loan-view.js';
import { BorrowerProduct } from '../../api/borrower-product-view.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });

/** Keys that are the lender's alone, wherever they appear in the document. */
const DENIED_KEYS = [
  'assessment',
  'factors',
  'signals',
  'blacklisted',
  'recommendedLimit',
  'rateBand',
  'score',
  'grade',
  'idempotencyKey',
  'transferId',
  'reviewer',
  'userId',
  'comment',
  'actor',
  'reviewWarnings',
  'openReview',
  'attention',
  'requestedBy',
  'approvedBy',
  'retriedBy',
  'signedBy',
  'classification',
  'collections',
  'writeOffReview',
  'borrowerId',
  'rulesVersion',
  'autoDecision',
  'approvalAuthority',
  'scoreFloor',
  'escalation',
  'refundApprovalThreshold',
  'refundHoldDays',
  'maxLtv',
];

/** Every key at any depth of a JSON document. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  return into;
}

const INTERNAL_COMMENT = '收入流水与工资单对不上，疑似包装，内部备注';
const BORROWER_COMMENT = '您的收入证明已核实通过，请等待终审结果';

let borrower: Session;
let initialReviewer: Session;
let riskManager: Session;
let admin: Session;
let channelKey: string;
let loanId: string;

beforeAll(async () => {
  [initialReviewer, riskManager, admin] = await Promise.all([
    api.login('initial_reviewer'),
    api.login('risk_manager'),
    api.login('admin'),
  ]);
  const made = await api.call<{ key: string }>('POST', '/v1/api-keys', {
    token: admin.token,
    body: { channel: 'WECHAT_MINIAPP' },
  });
  channelKey = made.key;
  const inReview = await api.loanInInitialReview({ amount: '60000.00' });
  borrower = inReview.session;
  loanId = inReview.loanId;
  await api.call('POST', `/v1/loans/${loanId}/reviews`, {
    token: initialReviewer.token,
    body: { stage: 'INITIAL', decision: 'APPROVE', comment: INTERNAL_COMMENT, commentForBorrower: BORROWER_COMMENT },
  });
  await api.waitForLoanStatus(borrower.token, loanId, 'FINAL_REVIEW');
});

describe("the borrower's loan view", () => {
  it('a borrower sees no internal key at any depth, and nothing the strict borrower schema does not name', async () => {
    const detail = await api.loan(borrower.token, loanId);
    expect([...keysOf(detail)].filter((k) => DENIED_KEYS.includes(k))).toEqual([]);
    const parsed = BorrowerLoanDetail.safeParse(detail);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(JSON.stringify(detail)).not.toContain(INTERNAL_COMMENT);
    expect(detail.reviews).toEqual([
      { stage: 'INITIAL', decision: 'APPROVE', at: expect.any(String), commentForBorrower: BORROWER_COMMENT },
    ]);
    expect(detail.status).toBe('FINAL_REVIEW');
  });

  it('a channel caller (X-Api-Key) gets the borrower view too', async () => {
    const detail = await api.call<Record<string, unknown>>('GET', `/v1/loans/${loanId}`, {
      token: borrower.token,
      headers: { 'X-Api-Key': channelKey },
    });
    expect([...keysOf(detail)].filter((k) => DENIED_KEYS.includes(k))).toEqual([]);
    expect(BorrowerLoanDetail.safeParse(detail).success).toBe(true);
    expect(JSON.stringify(detail)).not.toContain(INTERNAL_COMMENT);
  });

  it('staff still see the internals: the assessment, the reviewer and both comments', async () => {
    const detail = await api.loan(riskManager.token, loanId);
    const keys = keysOf(detail);
    for (const key of ['assessment', 'factors', 'signals', 'reviewer', 'comment', 'actor', 'openReview'])
      expect(keys.has(key), key).toBe(true);
    expect(detail.reviews).toEqual([
      expect.objectContaining({ comment: INTERNAL_COMMENT, commentForBorrower: BORROWER_COMMENT }),
    ]);
    expect(BorrowerLoanDetail.safeParse(detail).success).toBe(false);
  });

  it('a closed loan tells the borrower a fixed sentence, not the closing words staff see', async () => {
    const { loanId: other, session } = await api.loanInInitialReview({ amount: '60000.00' });
    const words = '借款人来电撤回，工单 WD-7731';
    await api.call('POST', `/v1/loans/${other}/withdraw`, { token: session.token, body: { reason: words } });
    const seen = await api.waitForLoanStatus(session.token, other, 'WITHDRAWN');
    expect(seen.closedReason).toEqual({ zh: '申请已撤回。', en: 'The application was withdrawn.' });
    expect(JSON.stringify(seen)).not.toContain('WD-7731');
    const staff = await api.loan(riskManager.token, other);
    expect(staff.closedReason).toEqual({ zh: words, en: words });
  });

  it('a comment for the borrower over 1000 characters is refused naming the field', async () => {
    const { loanId: other } = await api.loanInInitialReview({ amount: '60000.00' });
    const response = await api.fetch('POST', `/v1/loans/${other}/reviews`, {
      token: initialReviewer.token,
      body: { stage: 'INITIAL', decision: 'APPROVE', comment: 'ok', commentForBorrower: 'x'.repeat(1001) },
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('commentForBorrower');
  });
});

describe("the borrower's loan list", () => {
  it("leaves out the lender's risk classification for a borrower and a channel; staff see it", async () => {
    type List = { loans: Array<Record<string, unknown>> };
    const own = await api.call<List>('GET', '/v1/loans', { token: borrower.token });
    const viaChannel = await api.call<List>('GET', '/v1/loans', {
      token: borrower.token,
      headers: { 'X-Api-Key': channelKey },
    });
    for (const list of [own, viaChannel]) {
      expect(list.loans.map((l) => l.loanId)).toContain(loanId);
      expect([...keysOf(list)].filter((k) => DENIED_KEYS.includes(k))).toEqual([]);
    }
    const staff = await api.call<List>('GET', `/v1/loans?status=FINAL_REVIEW&limit=200`, { token: riskManager.token });
    expect(staff.loans.find((l) => l.loanId === loanId)).toHaveProperty('classification');
  });
});

describe("the borrower's products", () => {
  it('leave out the decision policy for a borrower and a channel; staff see it', async () => {
    const asBorrower = await api.call<{ products: unknown[] }>('GET', '/v1/products', { token: borrower.token });
    const asChannel = await api.call<{ products: unknown[] }>('GET', '/v1/products', {
      token: borrower.token,
      headers: { 'X-Api-Key': channelKey },
    });
    for (const answer of [asBorrower, asChannel]) {
      expect(answer.products.length).toBeGreaterThan(0);
      expect([...keysOf(answer)].filter((k) => DENIED_KEYS.includes(k))).toEqual([]);
      for (const product of answer.products) expect(BorrowerProduct.safeParse(product).success).toBe(true);
    }
    const code = (asBorrower.products[0] as { code: string }).code;
    const one = await api.call('GET', `/v1/products/${code}`, { token: borrower.token });
    expect(BorrowerProduct.safeParse(one).success).toBe(true);

    const asStaff = await api.call<{ products: unknown[] }>('GET', '/v1/products', { token: riskManager.token });
    const staffKeys = keysOf(asStaff);
    for (const key of ['autoDecision', 'approvalAuthority', 'scoreFloor']) expect(staffKeys.has(key), key).toBe(true);
  });
});
