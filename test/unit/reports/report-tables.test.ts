import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../../api/report-tables.js';
import {
  breakdownOf,
  funnelOf,
  ratesOf,
  REPORT_TABLES,
  type DashboardFigures,
  type FunnelCounts,
} from '../../../domain/reports.js';

const counts: FunnelCounts = {
  applied: 6,
  documentsComplete: 5,
  autoApproved: 2,
  autoSigned: 1,
  autoDisbursed: 1,
  manualReview: 2,
  manualApproved: 1,
  manualSigned: 1,
  manualDisbursed: 0,
  autoRejected: 1,
  manualRejected: 1,
};

const figures: DashboardFigures = {
  period: { from: '2026-11-01', to: '2026-11-30', timeZone: 'Asia/Shanghai' },
  generatedAt: '2026-11-30T08:00:00.000Z',
  applicationsPerDay: [{ date: '2026-11-01', applications: 6 }],
  applications: 6,
  funnel: funnelOf(counts),
  rates: ratesOf(counts),
  timeToDecision: [
    { path: 'ALL', decisions: 3, medianSeconds: 5400, p95Seconds: null, averageSeconds: 8100.5 },
    { path: 'AUTO', decisions: 1, medianSeconds: 0.412, p95Seconds: 0.412, averageSeconds: 0.412 },
    { path: 'MANUAL', decisions: 2, medianSeconds: 5400, p95Seconds: null, averageSeconds: 8100.5 },
  ],
  byChannel: [
    { applicationChannel: 'ONLINE', partnerChannel: null, ...breakdownOf(counts) },
    { applicationChannel: 'ONLINE', partnerChannel: 'APP_X', ...breakdownOf({ ...counts, applied: 0 }) },
  ],
  byProduct: [{ loanType: 'PERSONAL_CONSUMER', ...breakdownOf(counts) }],
  portfolio: {
    disbursedAmount: '30000.00',
    disbursedLoans: 1,
    disbursedSource: 'LEDGER',
    outstandingPrincipal: '29000.00',
    activeLoans: 1,
    overdueLoans: 0,
  },
  par: [{ bucket: 'PAR1', daysPastDueOver: 1, loans: 0, outstandingPrincipal: '0.00', ratio: '0.0000' }],
  classification: [{ classification: 'NORMAL', loans: 1, outstandingPrincipal: '29000.00' }],
  collections: [{ kind: 'LEGAL', openTasks: 2, overdueTasks: 1, loans: 1, outstandingPrincipal: '500.00' }],
};

describe('dashboard tables as CSV', () => {
  it('heads the funnel in the language asked for, both paths apart, with shares of applications', () => {
    const lines = reportCsv('funnel', figures, 'en').split('\r\n');
    expect(lines).toEqual([
      '\uFEFFPath,Code,Stage,Loans,Share of applications',
      ',APPLIED,Applied,6,1.0000',
      ',DOCUMENTS_COMPLETE,Documents complete,5,0.8333',
      'AUTO,AUTO_APPROVED,Automatic · Auto-approved,2,0.3333',
      'AUTO,SIGNED,Automatic · Signed,1,0.1667',
      'AUTO,DISBURSED,Automatic · Disbursed,1,0.1667',
      'MANUAL,MANUAL_REVIEW,Manual review · Manual review,2,0.3333',
      'MANUAL,APPROVED,Manual review · Approved,1,0.1667',
      'MANUAL,SIGNED,Manual review · Signed,1,0.1667',
      'MANUAL,DISBURSED,Manual review · Disbursed,0,0.0000',
      'AUTO,REJECTED,Automatic · Rejected,1,0.1667',
      'MANUAL,REJECTED,Manual review · Rejected,1,0.1667',
      '',
    ]);
  });

  it('lists every rate with its numerator, denominator and its one definition', () => {
    const lines = reportCsv('rates', figures, 'zh').split('\r\n');
    expect(lines[0]).toBe('\uFEFF代码,比率,数值,分子,分母,定义');
    expect(lines[1]).toBe(
      'APPROVAL_RATE,审批通过率,0.6000,3,5,批准笔数 ÷ 已决策笔数（批准 + 拒绝），自动与人工合计；尚未决策的申请不计入',
    );
    expect(lines[2]).toMatch(/^AUTO_APPROVAL_SHARE,自动审批占比,0\.6667,2,3,/);
    expect(lines[3]).toMatch(/^MANUAL_APPROVAL_RATE,人工审核通过率,0\.5000,1,2,/);
    expect(lines[4]).toMatch(/^DISBURSEMENT_RATE,放款转化率,0\.3333,1,3,/);
  });

  it('writes decision times in seconds by path, and the breakdowns with the approval rate of each row', () => {
    expect(reportCsv('time-to-decision', figures, 'zh')).toBe(
      '\uFEFF代码,审批路径,期内决策笔数,中位数（秒）,P95（秒）,平均（秒）\r\n' +
        'ALL,全部,3,5400,,8100.5\r\nAUTO,自动审批,1,0.412,0.412,0.412\r\nMANUAL,人工审核,2,5400,,8100.5\r\n',
    );
    const channel = reportCsv('by-channel', figures, 'en').split('\r\n');
    expect(channel[0]).toBe(
      '\uFEFFApplied via,Channel,Applied,Documents complete,Auto-approved,Manual review,Approved,Rejected,Decided,Signed,Disbursed,Approval rate',
    );
    expect(channel[1]).toBe('Online (borrower),,6,5,2,2,3,2,5,2,1,0.6000');
    expect(channel[2]).toBe('Online (borrower),APP_X,0,5,2,2,3,2,5,2,1,0.6000');
    expect(reportCsv('by-product', figures, 'zh').split('\r\n')[1]).toBe(
      'PERSONAL_CONSUMER,个人消费贷款,6,5,2,2,3,2,5,2,1,0.6000',
    );
  });

  it('writes every table, each row as wide as its heading', () => {
    for (const table of REPORT_TABLES)
      for (const lang of ['zh', 'en'] as const) {
        const lines = reportCsv(table, figures, lang).slice(1).trim().split('\r\n');
        const width = (line: string) => line.replace(/"[^"]*"/g, '').split(',').length;
        expect(lines.length, table).toBeGreaterThan(1);
        for (const line of lines) expect(width(line), `${table}: ${line}`).toBe(width(lines[0]!));
      }
  });

  it('writes Chinese headings and names in the words of the dashboard', () => {
    expect(reportCsv('collections', figures, 'zh')).toBe(
      '\uFEFF代码,催收阶段,未结任务,超时任务,笔数,未还本金\r\nLEGAL,法务催收,2,1,1,500.00\r\n',
    );
  });
});
