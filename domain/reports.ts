// What the operations dashboard reports: the funnel's stages, the PAR buckets, the collection
// stages, the tables it exports, and the shape of its figures. The queries are db/reports.ts.
import type { LoanClass } from './types.js';

export const FUNNEL_STAGES = [
  'APPLIED',
  'ASSESSED',
  'INITIAL_REVIEW',
  'FINAL_REVIEW',
  'APPROVED',
  'SIGNED',
  'DISBURSED',
] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

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
  'time-to-decision',
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

/** Money as a two-decimal string; ratios as four-decimal strings, null when the denominator is zero. */
export interface DashboardFigures {
  period: ReportPeriod;
  generatedAt: string;
  applicationsPerDay: Array<{ date: string; applications: number }>;
  applications: number;
  funnel: {
    stages: Array<{ stage: FunnelStage; loans: number }>;
    approved: number;
    rejected: number;
    approvalRate: string | null;
  };
  timeToDecision: { decided: number; p50Hours: number | null; p95Hours: number | null; averageHours: number | null };
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
