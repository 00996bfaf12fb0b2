// Validators of the servicing updates: they run before an update enters history, so a refused
// repayment, write-off decision, collection note or refund decision leaves no trace (the API answers 403/409/422).
import { compareDates, isValidLocalDate } from '../domain/dates.js';
import { isMoneyText, money } from '../domain/money.js';
import { isPaidOff } from '../domain/servicing-account.js';
import {
  REFUSAL,
  type CollectionNote,
  type RefundDecision,
  type RepaymentInput,
  type WriteOffDecision,
} from '../contracts/messages.js';
import { repaymentAction } from '../contracts/message-permissions.js';
import { findRefund } from './refunds.js';
import { todayOf, type ServicingState } from './servicing-state.js';
import { refuse, refuseUnlessPermitted } from './validators.js';

const PAYMENT_ID = /^[A-Za-z0-9:_.-]{1,120}$/;
const SERVICED = ['ACTIVE', 'OVERDUE'];

export function validateRepayment(s: ServicingState, input: RepaymentInput): void {
  if (!PAYMENT_ID.test(input.paymentId ?? '')) {
    refuse(
      REFUSAL.INVALID,
      { zh: 'paymentId 须为 1–120 位字母、数字或 :_.-', en: 'paymentId must be 1–120 letters, digits or :_.-' },
      'paymentId',
    );
  }
  // A repeat of an accepted payment is answered with the original result whatever the loan's state.
  if (s.recentPayments.some((p) => p.paymentId === input.paymentId) || s.inFlight.has(input.paymentId)) return;
  if (!SERVICED.includes(s.ctx.view.status) || s.closed) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `当前状态为 ${s.ctx.view.status}，不能还款`,
        en: `The loan is ${s.ctx.view.status}; it takes no repayments`,
      },
      'paymentId',
    );
  }
  const action = repaymentAction(input.channel);
  if (!action) {
    refuse(
      REFUSAL.INVALID,
      { zh: '代扣还款只能由系统发起', en: 'Auto-debit repayments are made by the system only' },
      'channel',
    );
  }
  refuseUnlessPermitted(input.recordedBy, action, 'channel');
  if (input.channel === 'ONLINE' && input.recordedBy.userId !== s.input.borrowerId) {
    refuse(
      REFUSAL.FORBIDDEN,
      { zh: '只有借款人本人可以在线还款', en: 'Only the borrower can pay this loan online' },
      'channel',
    );
  }
  if (!isMoneyText(input.amount) || money(input.amount).lte(0) || money(input.amount).gt('100000000')) {
    refuse(
      REFUSAL.INVALID,
      {
        zh: '还款金额须为大于零、最多两位小数的金额',
        en: 'amount must be a positive amount with at most two decimals',
      },
      'amount',
    );
  }
  validateReceivedOn(s, input);
}

/** The day the money was received: not before what is already posted, not after today, and today when paid online. */
function validateReceivedOn(s: ServicingState, input: RepaymentInput): void {
  const today = todayOf(s);
  // Only finance records money received on an earlier day; an online payment is made today, or a
  // borrower could date a payoff back to the start of the period and skip its interest to the day.
  if (input.channel === 'ONLINE' && input.receivedOn !== today) {
    refuse(
      REFUSAL.INVALID,
      {
        zh: `在线还款的到账日期须为今天（${today}）`,
        en: `receivedOn of an online payment must be today (${today})`,
      },
      'receivedOn',
    );
  }
  if (
    !isValidLocalDate(input.receivedOn) ||
    compareDates(input.receivedOn, today) > 0 ||
    compareDates(input.receivedOn, s.accruedThrough) < 0
  ) {
    refuse(
      REFUSAL.INVALID,
      {
        zh: `到账日期须在 ${s.accruedThrough} 至今天（${today}）之间`,
        en: `receivedOn must be between ${s.accruedThrough} and today (${today})`,
      },
      'receivedOn',
    );
  }
}

export function validateWriteOff(s: ServicingState, decision: WriteOffDecision): void {
  if (
    s.ctx.view.status !== 'OVERDUE' ||
    s.collections.writeOffReview !== 'PENDING' ||
    s.writeOffDecision !== null ||
    s.closed ||
    isPaidOff(s.account)
  ) {
    refuse(
      REFUSAL.WRONG_STAGE,
      { zh: '该贷款没有待审批的核销申请', en: 'This loan has no write-off review waiting for a decision' },
      'approve',
    );
  }
  refuseUnlessPermitted(decision.by, 'decideWriteOff', 'approve');
  if (!decision.comment?.trim())
    refuse(REFUSAL.INVALID, { zh: '请填写核销审批意见', en: 'A comment is required' }, 'comment');
}

export function validateCollectionNote(s: ServicingState, note: CollectionNote): void {
  if (s.ctx.view.status !== 'OVERDUE') {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `当前状态为 ${s.ctx.view.status}，无需催收`,
        en: `The loan is ${s.ctx.view.status}; it is not in collections`,
      },
      'outcome',
    );
  }
  refuseUnlessPermitted(note.by, 'recordCollectionNote', 'outcome');
  if (!note.note?.trim() || note.note.length > 1000) {
    refuse(REFUSAL.INVALID, { zh: '催收记录须为 1–1000 个字符', en: 'note must be 1–1000 characters' }, 'note');
  }
  if (note.outcome === 'PROMISE_TO_PAY') {
    if (!note.promisedOn || !isValidLocalDate(note.promisedOn) || compareDates(note.promisedOn, todayOf(s)) < 0) {
      refuse(
        REFUSAL.INVALID,
        { zh: '承诺还款日期须为今天或以后的日期', en: 'promisedOn must be today or a later date' },
        'promisedOn',
      );
    }
  }
}

/** Finance's decision on a refund: who may decide, on which refund, in which state. */
export function validateRefundDecision(s: ServicingState, decision: RefundDecision): void {
  refuseUnlessPermitted(decision.by, 'decideRefund', 'refundId');
  const refund = findRefund(s, decision.refundId);
  if (!refund) {
    refuse(
      REFUSAL.INVALID,
      { zh: `该贷款没有退款 ${decision.refundId}`, en: `This loan has no refund ${decision.refundId}` },
      'refundId',
    );
  }
  if (s.refundsDeciding.has(refund.refundId)) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `退款 ${refund.refundId} 正在处理另一项决定`,
        en: `Refund ${refund.refundId} is being decided by another request`,
      },
      'refundId',
    );
  }
  if (decision.action === 'RETRY') {
    if (refund.status !== 'FAILED') {
      refuse(
        REFUSAL.WRONG_STAGE,
        {
          zh: `退款 ${refund.refundId} 当前为 ${refund.status}，只有失败的退款可以重试`,
          en: `Refund ${refund.refundId} is ${refund.status}; only a FAILED refund can be retried`,
        },
        'refundId',
      );
    }
  } else if (refund.status !== 'APPROVAL') {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `退款 ${refund.refundId} 当前为 ${refund.status}，没有待审批的申请`,
        en: `Refund ${refund.refundId} is ${refund.status}; it is not waiting for approval`,
      },
      'refundId',
    );
  }
  if (
    decision.by.userId === refund.requestedBy ||
    (decision.action !== 'RETRY' && decision.by.userId === refund.retriedBy)
  ) {
    refuse(
      REFUSAL.FORBIDDEN,
      {
        zh: '登记该笔还款或重新发起该退款的人不能审批它',
        en: 'The user who recorded the payment or retried the refund cannot decide it',
      },
      'refundId',
    );
  }
  if (decision.action === 'REJECT' && (!decision.reason?.trim() || decision.reason.length > 1000)) {
    refuse(REFUSAL.INVALID, { zh: '驳回须填写 1–1000 字的原因', en: 'reason must be 1–1000 characters' }, 'reason');
  }
}
