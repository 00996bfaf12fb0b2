// Each dashboard table as rows for its CSV export, headed with the words the dashboard's columns
// use, in the language asked for.
import {
  DASHBOARD_COLUMN_NAMES,
  FUNNEL_STAGE_NAMES,
  LOAN_CLASS_NAMES,
  PORTFOLIO_MEASURE_NAMES,
  TASK_KIND_NAMES,
  type DashboardColumn,
} from '../domain/labels.js';
import { shareOf } from '../domain/ratio.js';
import type { DashboardFigures, ReportTable } from '../domain/reports.js';
import { toCsv, type CsvCell } from '../lib/csv.js';

export type Lang = 'zh' | 'en';

interface Table {
  columns: DashboardColumn[];
  rows: CsvCell[][];
}

function tableOf(table: ReportTable, f: DashboardFigures, lang: Lang): Table {
  const shareOfApplied = (n: number) => shareOf(n, f.funnel.stages[0]!.loans);
  switch (table) {
    case 'applications-per-day':
      return {
        columns: ['dash.col.date', 'dash.kpi.applications'],
        rows: f.applicationsPerDay.map((d) => [d.date, d.applications]),
      };
    case 'funnel':
      return {
        columns: ['dash.col.code', 'dash.col.stage', 'dash.col.loans', 'dash.col.share'],
        rows: [
          ...f.funnel.stages.map((s) => [s.stage, FUNNEL_STAGE_NAMES[s.stage][lang], s.loans, shareOfApplied(s.loans)]),
          ['REJECTED', FUNNEL_STAGE_NAMES.REJECTED[lang], f.funnel.rejected, shareOfApplied(f.funnel.rejected)],
          ['APPROVAL_RATE', DASHBOARD_COLUMN_NAMES['dash.kpi.approvalRate'][lang], null, f.funnel.approvalRate],
        ],
      };
    case 'time-to-decision':
      return {
        columns: ['ttd.decided', 'dash.col.p50Hours', 'dash.col.p95Hours', 'dash.col.averageHours'],
        rows: [
          [
            f.timeToDecision.decided,
            f.timeToDecision.p50Hours,
            f.timeToDecision.p95Hours,
            f.timeToDecision.averageHours,
          ],
        ],
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
