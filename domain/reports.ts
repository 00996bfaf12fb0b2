// What the operations dashboard reports: the funnel's paths and stages, the rates with one
// definition each, the PAR buckets, the collection stages, the tables it exports, and the shape of
// its figures. The queries are db/reports.ts.
import { shareOf } from './ratio.js';
import type { BilingualText, LoanClass, LoanType } from './types.js';

/**
 * How a loan is decided. MANUAL: it went to a person (the assessment asked for review, or it
 * reached initial review). AUTO: decided by the assessment alone.
 */
export const DECISION_PATHS = ['AUTO', 'MANUAL'] as const;
export type DecisionPath = (typeof DECISION_PATHS)[number];

/** The stages every application shares, then each path's own, in order. */
export const COMMON_STAGES = ['APPLIED', 'DOCUMENTS_COMPLETE'] as const;
export const PATH_STAGES = {
  AUTO: ['AUTO_APPROVED', 'SIGNED', 'DISBURSED'],
  MANUAL: ['MANUAL_REVIEW', 'APPROVED', 'SIGNED', 'DISBURSED'],
} as const;
export type FunnelStage =
  (typeof COMMON_STAGES)[number] | (typeof PATH_STAGES.AUTO)[number] | (typeof PATH_STAGES.MANUAL)[number];
export const FUNNEL_STAGES: readonly FunnelStage[] = [
  'APPLIED',
  'DOCUMENTS_COMPLETE',
  'AUTO_APPROVED',
  'MANUAL_REVIEW',
  'APPROVED',
  'SIGNED',
  'DISBURSED',
];

/**
 * One cohort of loans counted through the funnel. A loan counts at a stage only when it reached
 * that stage and every stage before it on its path, so each stage holds no more than the one
 * before it. Approved: an offer and contract went out (待签约). Rejected: refused without an
 * approval, automatically or by a reviewer. Decided: approved or rejected.
 */
export interface FunnelCounts {
  applied: number;
  documentsComplete: number;
  autoApproved: number;
  autoSigned: number;
  autoDisbursed: number;
  manualReview: number;
  manualApproved: number;
  manualSigned: number;
  manualDisbursed: number;
  autoRejected: number;
  manualRejected: number;
}

/** The totals the rates divide, from a cohort's counts. */
export function totalsOf(c: FunnelCounts) {
  const approved = c.autoApproved + c.manualApproved;
  const rejected = c.autoRejected + c.manualRejected;
  return {
    approved,
    rejected,
    decided: approved + rejected,
    manualDecided: c.manualApproved + c.manualRejected,
    signed: c.autoSigned + c.manualSigned,
    disbursed: c.autoDisbursed + c.manualDisbursed,
  };
}
export type FunnelTotals = ReturnType<typeof totalsOf>;
type Term = keyof FunnelCounts | keyof FunnelTotals;

/** The rates the dashboard publishes. */
export const RATES = ['APPROVAL_RATE', 'AUTO_APPROVAL_SHARE', 'MANUAL_APPROVAL_RATE', 'DISBURSEMENT_RATE'] as const;
export type Rate = (typeof RATES)[number];

export interface RateDefinition {
  numerator: Term;
  denominator: Term;
  name: BilingualText;
  /** The definition in words, shown beside the figure and in the API's description. */
  definition: BilingualText;
}

/** The one definition of each rate: every figure of that name is this division. */
export const RATE_DEFINITIONS: Readonly<Record<Rate, RateDefinition>> = {
  APPROVAL_RATE: {
    numerator: 'approved',
    denominator: 'decided',
    name: { zh: '审批通过率', en: 'Approval rate' },
    definition: {
      zh: '批准笔数 ÷ 已决策笔数（批准 + 拒绝），自动与人工合计；尚未决策的申请不计入',
      en: 'approved ÷ decided (approved + rejected), automatic and manual together; undecided applications count in neither',
    },
  },
  AUTO_APPROVAL_SHARE: {
    numerator: 'autoApproved',
    denominator: 'approved',
    name: { zh: '自动审批占比', en: 'Auto-approval share' },
    definition: {
      zh: '自动批准笔数 ÷ 批准笔数：批准中未经人工审核的比例',
      en: 'auto-approved ÷ approved: the share of approvals made without a person',
    },
  },
  MANUAL_APPROVAL_RATE: {
    numerator: 'manualApproved',
    denominator: 'manualDecided',
    name: { zh: '人工审核通过率', en: 'Manual review approval rate' },
    definition: {
      zh: '人工审核后批准笔数 ÷ 人工审核后已决策笔数（批准 + 拒绝）',
      en: 'approved after manual review ÷ decided after manual review (approved + rejected)',
    },
  },
  DISBURSEMENT_RATE: {
    numerator: 'disbursed',
    denominator: 'approved',
    name: { zh: '放款转化率', en: 'Disbursement rate' },
    definition: {
      zh: '放款笔数 ÷ 批准笔数：批准后签约并放款的比例',
      en: 'disbursed ÷ approved: the share of approvals signed and paid out',
    },
  },
};

/** Definitions of the dashboard's other figures, shown beside them. */
export const FIGURE_DEFINITIONS = {
  COHORT: {
    zh: '漏斗、比率与按渠道、按产品的分布：统计期内提交的申请，按其当前进度计数',
    en: 'Funnel, rates and the breakdowns: loans applied for in the period, as they stand now',
  },
  SHARE_OF_APPLIED: {
    zh: '占申请比例 = 该阶段笔数 ÷ 申请笔数',
    en: 'Share of applications = loans at the stage ÷ loans applied for',
  },
  TIME_TO_DECISION: {
    zh: '决策时长：统计期内作出决策（批准或拒绝）的贷款，自提交申请至决策的时间；中位数与 P95 为连续百分位',
    en: 'Time to decision: loans decided (approved or rejected) in the period, from application to decision; median and p95 are continuous percentiles',
  },
  PAR: {
    zh: 'PAR = 逾期超过 N 天的贷款未还本金 ÷ 全部在贷未还本金（当前）',
    en: 'PAR = outstanding principal of loans more than N days past due ÷ all outstanding principal (now)',
  },
} as const satisfies Record<string, BilingualText>;

export interface RateFigure {
  rate: Rate;
  /** Four decimals; null when the denominator is zero. */
  value: string | null;
  numerator: number;
  denominator: number;
}

/** A cohort's rates, each by its definition. */
export function ratesOf(counts: FunnelCounts): RateFigure[] {
  const terms: Record<Term, number> = { ...counts, ...totalsOf(counts) };
  return RATES.map((rate) => {
    const { numerator, denominator } = RATE_DEFINITIONS[rate];
    return {
      rate,
      value: shareOf(terms[numerator], terms[denominator]),
      numerator: terms[numerator],
      denominator: terms[denominator],
    };
  });
}

export const PAR_BUCKETS = [
  { bucket: 'PAR1', daysPastDueOver: 1 },
  { bucket: 'PAR30', daysPastDueOver: 30 },
  { bucket: 'PAR90', daysPastDueOver: 90 },
] as const;

/** The open tasks of the collections pipeline, by kind. */
export const COLLECTION_KINDS = ['COLLECTION_CALL', 'SUPERVISOR', 'LEGAL', 'WRITE_OFF_REVIEW'] as const;
export type CollectionKind = (typeof COLLECTION_KINDS)[number];

export const REPORT_TABLES = [
  'applications-per-day',
  'funnel',
  'rates',
  'time-to-decision',
  'by-channel',
  'by-product',
  'portfolio',
  'par',
  'classification',
  'collections',
] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

/** Business-calendar dates [from, to] in the business time zone. */
export interface ReportPeriod {
  from: string;
  to: string;
  timeZone: string;
}

/** Where a loan came from: ONLINE (the borrower) or OFFLINE (a loan officer), and the channel whose API key came with it. */
export interface ChannelKey {
  applicationChannel: 'ONLINE' | 'OFFLINE';
  /** null: applied without a channel's API key. */
  partnerChannel: string | null;
}

export interface FunnelPath {
  path: DecisionPath;
  stages: Array<{ stage: FunnelStage; loans: number }>;
}

/** The funnel of one cohort, path by path. */
export function funnelOf(c: FunnelCounts) {
  const t = totalsOf(c);
  const paths: FunnelPath[] = [
    {
      path: 'AUTO',
      stages: [
        { stage: 'AUTO_APPROVED', loans: c.autoApproved },
        { stage: 'SIGNED', loans: c.autoSigned },
        { stage: 'DISBURSED', loans: c.autoDisbursed },
      ],
    },
    {
      path: 'MANUAL',
      stages: [
        { stage: 'MANUAL_REVIEW', loans: c.manualReview },
        { stage: 'APPROVED', loans: c.manualApproved },
        { stage: 'SIGNED', loans: c.manualSigned },
        { stage: 'DISBURSED', loans: c.manualDisbursed },
      ],
    },
  ];
  return {
    applied: c.applied,
    documentsComplete: c.documentsComplete,
    paths,
    ...t,
    autoRejected: c.autoRejected,
    manualRejected: c.manualRejected,
  };
}
export type Funnel = ReturnType<typeof funnelOf>;

/** A breakdown row: the cohort's loans of one channel or one loan type. */
export interface BreakdownCounts {
  applied: number;
  documentsComplete: number;
  autoApproved: number;
  manualReview: number;
  approved: number;
  rejected: number;
  decided: number;
  signed: number;
  disbursed: number;
  /** As RATE_DEFINITIONS.APPROVAL_RATE, within the row. */
  approvalRate: string | null;
}

export function breakdownOf(c: FunnelCounts): BreakdownCounts {
  const t = totalsOf(c);
  return {
    applied: c.applied,
    documentsComplete: c.documentsComplete,
    autoApproved: c.autoApproved,
    manualReview: c.manualReview,
    approved: t.approved,
    rejected: t.rejected,
    decided: t.decided,
    signed: t.signed,
    disbursed: t.disbursed,
    approvalRate: shareOf(t.approved, t.decided),
  };
}

export const TIME_TO_DECISION_PATHS = ['ALL', ...DECISION_PATHS] as const;
export interface DecisionTime {
  /** ALL: both paths together. */
  path: (typeof TIME_TO_DECISION_PATHS)[number];
  /** Loans decided in the period. */
  decisions: number;
  medianSeconds: number | null;
  p95Seconds: number | null;
  averageSeconds: number | null;
}

/** Money as a two-decimal string; ratios as four-decimal strings, null when the denominator is zero. */
export interface DashboardFigures {
  period: ReportPeriod;
  generatedAt: string;
  applicationsPerDay: Array<{ date: string; applications: number }>;
  applications: number;
  funnel: Funnel;
  rates: RateFigure[];
  timeToDecision: DecisionTime[];
  byChannel: Array<ChannelKey & BreakdownCounts>;
  byProduct: Array<{ loanType: LoanType } & BreakdownCounts>;
  portfolio: {
    disbursedAmount: string;
    disbursedLoans: number;
    /** Where the disbursed figures come from: always the ledger. */
    disbursedSource: 'LEDGER';
    outstandingPrincipal: string;
    activeLoans: number;
    overdueLoans: number;
  };
  par: Array<{
    bucket: string;
    daysPastDueOver: number;
    loans: number;
    outstandingPrincipal: string;
    ratio: string | null;
  }>;
  classification: Array<{ classification: LoanClass; loans: number; outstandingPrincipal: string }>;
  collections: Array<{
    kind: CollectionKind;
    openTasks: number;
    overdueTasks: number;
    loans: number;
    outstandingPrincipal: string;
  }>;
}
