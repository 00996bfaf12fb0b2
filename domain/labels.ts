import type { CollateralType, GuarantorRelationship } from './validation/application.js';
import type {
  BilingualText,
  DayCount,
  DocumentType,
  Frequency,
  LoanClass,
  LoanType,
  RepaymentMethod,
  Role,
} from './types.js';

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

export const ROLE_NAMES: Readonly<Record<Role, BilingualText>> = {
  BORROWER: { zh: '借款人', en: 'Borrower' },
  LOAN_OFFICER: { zh: '客户经理', en: 'Loan officer' },
  INITIAL_REVIEWER: { zh: '初审员', en: 'Initial reviewer' },
  FINAL_REVIEWER: { zh: '终审员', en: 'Final reviewer' },
  FINANCE: { zh: '财务', en: 'Finance' },
  COLLECTOR: { zh: '催收员', en: 'Collector' },
  RISK_MANAGER: { zh: '风控经理', en: 'Risk manager' },
  AUDITOR: { zh: '审计', en: 'Auditor' },
  OPS: { zh: '运维', en: 'Operations' },
  ADMIN: { zh: '管理员', en: 'Administrator' },
  COMPLIANCE: { zh: '反洗钱合规', en: 'AML compliance' },
};

export const DOCUMENT_TYPE_NAMES: Readonly<Record<DocumentType, BilingualText>> = {
  ID_FRONT: { zh: '身份证人像面', en: 'ID card (front)' },
  ID_BACK: { zh: '身份证国徽面', en: 'ID card (back)' },
  INCOME_PROOF: { zh: '收入证明', en: 'Proof of income' },
  BANK_STATEMENT: { zh: '银行流水', en: 'Bank statement' },
  BUSINESS_LICENSE: { zh: '营业执照', en: 'Business licence' },
  LAND_CERTIFICATE: { zh: '土地承包经营权证', en: 'Land-use certificate' },
  COLLATERAL_CERTIFICATE: { zh: '抵押物权属证明', en: 'Collateral title' },
  GUARANTOR_ID: { zh: '担保人身份证', en: "Guarantor's ID card" },
  OTHER: { zh: '其他资料', en: 'Other' },
};

export const COLLATERAL_TYPE_NAMES: Readonly<Record<CollateralType, BilingualText>> = {
  REAL_ESTATE: { zh: '房产', en: 'Real estate' },
  VEHICLE: { zh: '机动车', en: 'Vehicle' },
  EQUIPMENT: { zh: '机器设备', en: 'Equipment' },
  LAND_USE_RIGHT: { zh: '土地经营权', en: 'Land-use right' },
  DEPOSIT: { zh: '存单', en: 'Certificate of deposit' },
  OTHER: { zh: '其他财产', en: 'Other property' },
};

export const GUARANTOR_RELATIONSHIP_NAMES: Readonly<Record<GuarantorRelationship, BilingualText>> = {
  SPOUSE: { zh: '配偶', en: 'Spouse' },
  PARENT: { zh: '父母', en: 'Parent' },
  CHILD: { zh: '子女', en: 'Child' },
  SIBLING: { zh: '兄弟姐妹', en: 'Sibling' },
  RELATIVE: { zh: '其他亲属', en: 'Relative' },
  FRIEND: { zh: '朋友', en: 'Friend' },
  COLLEAGUE: { zh: '同事', en: 'Colleague' },
  BUSINESS_PARTNER: { zh: '生意伙伴', en: 'Business partner' },
  OTHER: { zh: '其他', en: 'Other' },
};

/** Role names joined for a sentence: "风控经理、管理员" / "Risk manager or Administrator". */
export function roleList(roles: readonly Role[]): BilingualText {
  const names = roles.map((r) => ROLE_NAMES[r]);
  return { zh: names.map((n) => n.zh).join('、'), en: names.map((n) => n.en).join(' or ') };
}

export const TASK_KIND_NAMES = {
  INITIAL_REVIEW: { zh: '初审', en: 'Initial review' },
  FINAL_REVIEW: { zh: '终审', en: 'Final review' },
  COLLECTION_CALL: { zh: '催收外呼', en: 'Collection call' },
  SUPERVISOR: { zh: '主管跟进', en: 'Supervisor follow-up' },
  LEGAL: { zh: '法务催收', en: 'Legal action' },
  WRITE_OFF_REVIEW: { zh: '核销审查', en: 'Write-off review' },
  PROMISE_BROKEN: { zh: '承诺还款未兑现', en: 'Broken promise to pay' },
} as const satisfies Record<string, BilingualText>;
