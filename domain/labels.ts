import { RATE_DEFINITIONS, type DecisionPath, type FunnelStage } from './reports.js';
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

// The operations dashboard's words, shared by its page and its CSV exports.

export const FUNNEL_STAGE_NAMES: Readonly<Record<FunnelStage | 'REJECTED', BilingualText>> = {
  APPLIED: { zh: '提交申请', en: 'Applied' },
  DOCUMENTS_COMPLETE: { zh: '资料齐全', en: 'Documents complete' },
  AUTO_APPROVED: { zh: '自动批准', en: 'Auto-approved' },
  MANUAL_REVIEW: { zh: '进入人工审核', en: 'Manual review' },
  APPROVED: { zh: '批准', en: 'Approved' },
  SIGNED: { zh: '签约', en: 'Signed' },
  DISBURSED: { zh: '放款', en: 'Disbursed' },
  REJECTED: { zh: '拒绝', en: 'Rejected' },
};

export const DECISION_PATH_NAMES: Readonly<Record<DecisionPath | 'ALL', BilingualText>> = {
  ALL: { zh: '全部', en: 'All' },
  AUTO: { zh: '自动审批', en: 'Automatic' },
  MANUAL: { zh: '人工审核', en: 'Manual review' },
};

export const APPLICATION_CHANNEL_NAMES = {
  ONLINE: { zh: '线上（借款人）', en: 'Online (borrower)' },
  OFFLINE: { zh: '线下（信贷员）', en: 'Offline (loan officer)' },
} as const satisfies Record<string, BilingualText>;

export const PORTFOLIO_MEASURE_NAMES = {
  disbursedAmount: { zh: '放款金额', en: 'Disbursed amount' },
  disbursedLoans: { zh: '放款笔数', en: 'Loans disbursed' },
  outstandingPrincipal: { zh: '在贷余额（本金）', en: 'Outstanding principal' },
  activeLoans: { zh: '在贷笔数', en: 'Loans outstanding' },
  overdueLoans: { zh: '逾期笔数', en: 'Loans overdue' },
} as const satisfies Record<string, BilingualText>;

/** Column headings of the dashboard's tables, under their keys in the UI's dictionary. */
export const DASHBOARD_COLUMN_NAMES = {
  'dash.col.date': { zh: '日期', en: 'Date' },
  'dash.col.code': { zh: '代码', en: 'Code' },
  'dash.col.dpdOver': { zh: '逾期天数超过', en: 'Days past due over' },
  'dash.col.path': { zh: '审批路径', en: 'Path' },
  'dash.col.decisions': { zh: '期内决策笔数', en: 'Decided in the period' },
  'dash.col.medianSeconds': { zh: '中位数（秒）', en: 'Median (seconds)' },
  'dash.col.p95Seconds': { zh: 'P95（秒）', en: 'p95 (seconds)' },
  'dash.col.averageSeconds': { zh: '平均（秒）', en: 'Average (seconds)' },
  'dash.col.rate': { zh: '比率', en: 'Rate' },
  'dash.col.numerator': { zh: '分子', en: 'Numerator' },
  'dash.col.denominator': { zh: '分母', en: 'Denominator' },
  'dash.col.definition': { zh: '定义', en: 'Definition' },
  'dash.col.applicationChannel': { zh: '申请方式', en: 'Applied' },
  'dash.col.partnerChannel': { zh: '渠道', en: 'Channel' },
  'dash.col.loanType': { zh: '产品类型', en: 'Loan type' },
  'dash.col.applied': { zh: '申请', en: 'Applied' },
  'dash.col.documentsComplete': { zh: '资料齐全', en: 'Documents complete' },
  'dash.col.autoApproved': { zh: '自动批准', en: 'Auto-approved' },
  'dash.col.manualReview': { zh: '人工审核', en: 'Manual review' },
  'dash.col.approved': { zh: '批准', en: 'Approved' },
  'dash.col.rejected': { zh: '拒绝', en: 'Rejected' },
  'dash.col.decided': { zh: '已决策', en: 'Decided' },
  'dash.col.signed': { zh: '签约', en: 'Signed' },
  'dash.col.disbursed': { zh: '放款', en: 'Disbursed' },
  'dash.col.approvalRate': RATE_DEFINITIONS.APPROVAL_RATE.name,
  'dash.col.stage': { zh: '阶段', en: 'Stage' },
  'dash.col.loans': { zh: '笔数', en: 'Loans' },
  'dash.col.share': { zh: '占申请比例', en: 'Share of applications' },
  'dash.col.measure': { zh: '指标', en: 'Measure' },
  'dash.col.value': { zh: '数值', en: 'Value' },
  'dash.col.parRatio': { zh: '占在贷余额比例', en: 'Share of outstanding principal' },
  'dash.col.collectionStage': { zh: '催收阶段', en: 'Collection stage' },
  'dash.col.openTasks': { zh: '未结任务', en: 'Open tasks' },
  'dash.col.overdueTasks': { zh: '超时任务', en: 'Overdue tasks' },
  'dash.kpi.applications': { zh: '申请笔数', en: 'Applications' },
  'loans.col.classification': { zh: '五级分类', en: 'Class' },
  'loans.col.outstanding': { zh: '未还本金', en: 'Outstanding principal' },
} as const satisfies Record<string, BilingualText>;
export type DashboardColumn = keyof typeof DASHBOARD_COLUMN_NAMES;
