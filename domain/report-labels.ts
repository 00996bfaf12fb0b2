// The operations dashboard's words, shared by its page and its CSV exports. Apart from
// labels.ts, which the loan workflow bundles: nothing here runs in a workflow.
import { RATE_DEFINITIONS, type DecisionPath, type FunnelStage } from './reports.js';
import type { BilingualText } from './types.js';

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
  'dash.col.applicationChannel': { zh: '申请方式', en: 'Applied via' },
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
