import type { BilingualText, DayCount, Frequency, LoanClass, LoanType, RepaymentMethod } from './types.js';

// Names people read for the domain's codes.

export const LOAN_TYPE_NAMES: Readonly<Record<LoanType, BilingualText>> = {
  PERSONAL_CONSUMER: { zh: '个人消费贷款', en: 'Personal consumer loan' },
  INDIVIDUAL_BUSINESS: { zh: '个体工商户经营贷款', en: 'Sole-proprietor business loan' },
  FARMER: { zh: '农户贷款', en: 'Farmer loan' },
  CREDIT: { zh: '信用贷款', en: 'Unsecured credit loan' },
  COLLATERAL: { zh: '抵押贷款', en: 'Collateral-secured loan' },
  GUARANTEED: { zh: '保证贷款', en: 'Guaranteed loan' },
};

export const REPAYMENT_METHOD_NAMES: Readonly<Record<RepaymentMethod, BilingualText>> = {
  EQUAL_INSTALLMENT: { zh: '等额本息', en: 'Equal installments' },
  EQUAL_PRINCIPAL: { zh: '等额本金', en: 'Equal principal' },
  INTEREST_FIRST: { zh: '先息后本', en: 'Interest first, principal at maturity' },
  BULLET: { zh: '到期一次性还本付息', en: 'Principal and interest at maturity' },
};

export const FREQUENCY_NAMES: Readonly<Record<Frequency, BilingualText>> = {
  MONTHLY: { zh: '按月', en: 'Monthly' },
  BIWEEKLY: { zh: '每两周', en: 'Every two weeks' },
  WEEKLY: { zh: '按周', en: 'Weekly' },
  DAILY: { zh: '按日', en: 'Daily' },
};

export const DAY_COUNT_NAMES: Readonly<Record<DayCount, BilingualText>> = {
  'ACT/365': { zh: '按实际天数/365天计息', en: 'Actual days / 365' },
  'ACT/360': { zh: '按实际天数/360天计息', en: 'Actual days / 360' },
  '30/360': { zh: '按每月30天/每年360天计息', en: '30 / 360' },
};

export const LOAN_CLASS_NAMES: Readonly<Record<LoanClass, BilingualText>> = {
  NORMAL: { zh: '正常', en: 'Normal' },
  SPECIAL_MENTION: { zh: '关注', en: 'Special mention' },
  SUBSTANDARD: { zh: '次级', en: 'Substandard' },
  DOUBTFUL: { zh: '可疑', en: 'Doubtful' },
  LOSS: { zh: '损失', en: 'Loss' },
};

export const TASK_KIND_NAMES = {
  INITIAL_REVIEW: { zh: '初审', en: 'Initial review' },
  FINAL_REVIEW: { zh: '终审', en: 'Final review' },
  COLLECTION_CALL: { zh: '催收外呼', en: 'Collection call' },
  SUPERVISOR: { zh: '主管跟进', en: 'Supervisor follow-up' },
  LEGAL: { zh: '法务催收', en: 'Legal action' },
  WRITE_OFF_REVIEW: { zh: '核销审查', en: 'Write-off review' },
} as const satisfies Record<string, BilingualText>;
