import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../../api/report-tables.js';
import { FUNNEL_STAGES, type DashboardFigures } from '../../../domain/reports.js';

const figures: DashboardFigures = {
  period: { from: '2026-11-01', to: '2026-11-30', timeZone: 'Asia/Shanghai' },
  generatedAt: '2026-11-30T08:00:00.000Z',
  applicationsPerDay: [{ date: '2026-11-01', applications: 3 }],
  applications: 3,
  funnel: {
    stages: FUNNEL_STAGES.map((stage, i) => ({ stage, loans: 3 - Math.min(i, 3) })),
    approved: 1,
    rejected: 2,
    approvalRate: '0.3333',
  },
  timeToDecision: { decided: 3, p50Hours: 1.5, p95Hours: null, averageHours: 2.25 },
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
  it('heads the funnel in the language asked for, with shares of applications and the approval rate', () => {
    const lines = reportCsv('funnel', figures, 'en').split('\r\n');
    expect(lines[0]).toBe('\uFEFFCode,Stage,Loans,Share of applications');
    expect(lines[1]).toBe('APPLIED,Applied,3,1.0000');
    expect(lines[2]).toBe('ASSESSED,"Documents complete, assessed",2,0.6667');
    expect(lines.at(-3)).toBe('REJECTED,Rejected,2,0.6667');
    expect(lines.at(-2)).toBe('APPROVAL_RATE,Approval rate,,0.3333');
    expect(lines.at(-1)).toBe('');
  });

  it('writes Chinese headings and names in the words of the dashboard', () => {
    expect(reportCsv('collections', figures, 'zh')).toBe(
      '\uFEFF代码,催收阶段,未结任务,超时任务,笔数,未还本金\r\nLEGAL,法务催收,2,1,1,500.00\r\n',
    );
    expect(reportCsv('time-to-decision', figures, 'zh')).toBe(
      '\uFEFF已决策笔数,中位数（小时）,P95（小时）,平均（小时）\r\n3,1.5,,2.25\r\n',
    );
  });
});
