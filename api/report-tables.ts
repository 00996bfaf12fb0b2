// Each dashboard table as rows for its CSV export, headed with the words the dashboard's columns
// use, in the language asked for.
import { LOAN_CLASS_NAMES, LOAN_TYPE_NAMES, TASK_KIND_NAMES } from '../domain/labels.js';
import {
  APPLICATION_CHANNEL_NAMES,
  DASHBOARD_COLUMN_NAMES,
  DECISION_PATH_NAMES,
  FUNNEL_STAGE_NAMES,
  PORTFOLIO_MEASURE_NAMES,
  type DashboardColumn,
} from '../domain/report-labels.js';
import { shareOf } from '../domain/ratio.js';
import { RATE_DEFINITIONS, type BreakdownCounts, type DashboardFigures, type ReportTable } from '../domain/reports.js';
import { toCsv, type CsvCell } from '../lib/csv.js';

export type Lang = 'zh' | 'en';

interface Table {
  columns: DashboardColumn[];
  rows: CsvCell[][];
}

const BREAKDOWN_COLUMNS = [
  'dash.col.applied',
  'dash.col.documentsComplete',
  'dash.col.autoApproved',
  'dash.col.manualReview',
  'dash.col.approved',
  'dash.col.rejected',
  'dash.col.decided',
  'dash.col.signed',
  'dash.col.disbursed',
  'dash.col.approvalRate',
] as const satisfies DashboardColumn[];

const breakdownCells = (b: BreakdownCounts): CsvCell[] => [
  b.applied,
  b.documentsComplete,
  b.autoApproved,
  b.manualReview,
  b.approved,
  b.rejected,
  b.decided,
  b.signed,
  b.disbursed,
  b.approvalRate,
];

function tableOf(table: ReportTable, f: DashboardFigures, lang: Lang): Table {
  const shareOfApplied = (n: number) => shareOf(n, f.funnel.applied);
  switch (table) {
    case 'applications-per-day':
      return {
        columns: ['dash.col.date', 'dash.kpi.applications'],
        rows: f.applicationsPerDay.map((d) => [d.date, d.applications]),
      };
    case 'funnel':
      return {
        columns: ['dash.col.path', 'dash.col.code', 'dash.col.stage', 'dash.col.loans', 'dash.col.share'],
        rows: [
          ['', 'APPLIED', FUNNEL_STAGE_NAMES.APPLIED[lang], f.funnel.applied, shareOfApplied(f.funnel.applied)],
          [
            '',
            'DOCUMENTS_COMPLETE',
            FUNNEL_STAGE_NAMES.DOCUMENTS_COMPLETE[lang],
            f.funnel.documentsComplete,
            shareOfApplied(f.funnel.documentsComplete),
          ],
          ...f.funnel.paths.flatMap((p) =>
            p.stages.map((s) => [
              p.path,
              s.stage,
              `${DECISION_PATH_NAMES[p.path][lang]} · ${FUNNEL_STAGE_NAMES[s.stage][lang]}`,
              s.loans,
              shareOfApplied(s.loans),
            ]),
          ),
          ...(['AUTO', 'MANUAL'] as const).map((path) => {
            const loans = path === 'AUTO' ? f.funnel.autoRejected : f.funnel.manualRejected;
            const name = `${DECISION_PATH_NAMES[path][lang]} · ${FUNNEL_STAGE_NAMES.REJECTED[lang]}`;
            return [path, 'REJECTED', name, loans, shareOfApplied(loans)];
          }),
        ],
      };
    case 'rates':
      return {
        columns: [
          'dash.col.code',
          'dash.col.rate',
          'dash.col.value',
          'dash.col.numerator',
          'dash.col.denominator',
          'dash.col.definition',
        ],
        rows: f.rates.map((r) => [
          r.rate,
          RATE_DEFINITIONS[r.rate].name[lang],
          r.value,
          r.numerator,
          r.denominator,
          RATE_DEFINITIONS[r.rate].definition[lang],
        ]),
      };
    case 'time-to-decision':
      return {
        columns: [
          'dash.col.code',
          'dash.col.path',
          'dash.col.decisions',
          'dash.col.medianSeconds',
          'dash.col.p95Seconds',
          'dash.col.averageSeconds',
        ],
        rows: f.timeToDecision.map((d) => [
          d.path,
          DECISION_PATH_NAMES[d.path][lang],
          d.decisions,
          d.medianSeconds,
          d.p95Seconds,
          d.averageSeconds,
        ]),
      };
    case 'by-channel':
      return {
        columns: ['dash.col.applicationChannel', 'dash.col.partnerChannel', ...BREAKDOWN_COLUMNS],
        rows: f.byChannel.map((b) => [
          APPLICATION_CHANNEL_NAMES[b.applicationChannel][lang],
          b.partnerChannel,
          ...breakdownCells(b),
        ]),
      };
    case 'by-product':
      return {
        columns: ['dash.col.code', 'dash.col.loanType', ...BREAKDOWN_COLUMNS],
        rows: f.byProduct.map((b) => [b.loanType, LOAN_TYPE_NAMES[b.loanType][lang], ...breakdownCells(b)]),
      };
    case 'portfolio':
      return {
        columns: ['dash.col.code', 'dash.col.measure', 'dash.col.value'],
        rows: (
          ['disbursedAmount', 'disbursedLoans', 'outstandingPrincipal', 'activeLoans', 'overdueLoans'] as const
        ).map((k) => [k, PORTFOLIO_MEASURE_NAMES[k][lang], f.portfolio[k]]),
      };
    case 'par':
      return {
        columns: ['dash.col.code', 'dash.col.dpdOver', 'dash.col.loans', 'loans.col.outstanding', 'dash.col.parRatio'],
        rows: f.par.map((p) => [p.bucket, p.daysPastDueOver, p.loans, p.outstandingPrincipal, p.ratio]),
      };
    case 'classification':
      return {
        columns: ['dash.col.code', 'loans.col.classification', 'dash.col.loans', 'loans.col.outstanding'],
        rows: f.classification.map((c) => [
          c.classification,
          LOAN_CLASS_NAMES[c.classification][lang],
          c.loans,
          c.outstandingPrincipal,
        ]),
      };
    case 'collections':
      return {
        columns: [
          'dash.col.code',
          'dash.col.collectionStage',
          'dash.col.openTasks',
          'dash.col.overdueTasks',
          'dash.col.loans',
          'loans.col.outstanding',
        ],
        rows: f.collections.map((c) => [
          c.kind,
          TASK_KIND_NAMES[c.kind][lang],
          c.openTasks,
          c.overdueTasks,
          c.loans,
          c.outstandingPrincipal,
        ]),
      };
  }
}

/** One dashboard table as a CSV document (UTF-8 with a BOM). */
export function reportCsv(table: ReportTable, figures: DashboardFigures, lang: Lang): string {
  const { columns, rows } = tableOf(table, figures, lang);
  return toCsv([columns.map((key) => DASHBOARD_COLUMN_NAMES[key][lang]), ...rows]);
}
