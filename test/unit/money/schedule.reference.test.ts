// Published reference cases, to the cent. Each cites where the figure is published; the
// engine's own rounding rules (schedule.ts R1–R5) must reproduce it exactly.
import { describe, expect, it } from 'vitest';
import { buildSchedule, type ScheduleTerms } from '../../../domain/schedule.js';

const monthly = (
  principal: string,
  annualRate: string,
  termCount: number,
  method: ScheduleTerms['method'] = 'EQUAL_INSTALLMENT',
) => buildSchedule({ principal, annualRate, termCount, method, startDate: '2026-01-15' }).installments;

describe('等额本息 EQUAL_INSTALLMENT against published figures', () => {
  it('1,000,000 at 4.9% over 360 months → 5,307.27 a month', () => {
    // Widely published PBoC-benchmark mortgage example (e.g. answers quoting bank calculators:
    // "贷款本金100万，期限30年，年利率4.90%，等额本息，每月应还5307.27元").
    const rows = monthly('1000000.00', '0.049', 360);
    expect(rows).toHaveLength(360);
    expect(rows.slice(0, -1).every((r) => r.total === '5307.27')).toBe(true);
    expect(rows[0]).toMatchObject({ interest: '4083.33', principal: '1223.94' });
  });

  it('1,000,000 at 5.9% over 360 months → 5,931.37 a month', () => {
    // Same published calculator output ("基准年利率是5.90% … 每月还款 5,931.37元").
    expect(monthly('1000000.00', '0.059', 360)[0]?.total).toBe('5931.37');
  });

  it('1,000,000 at 4.9% over 240 months → 6,544.44; first month interest 4,083.33, principal 2,461.11', () => {
    // Published calculator output ("贷款年限20年：每月月供还款本息额是6544.44元 … 第1个月还利息为4083.33；第1个月还本金为2461.11").
    expect(monthly('1000000.00', '0.049', 240)[0]).toMatchObject({
      total: '6544.44',
      interest: '4083.33',
      principal: '2461.11',
    });
  });

  it('100,000 at 4.9% over 120 months → 1,055.77; months 1–2 split 408.33/647.44 and 405.69/650.08', () => {
    // Published calculator output ("每月月供还款本息额是1055.77元 … 首月还利息是408.33、首月还本金是647.44；第2个月还利息是405.69、第2个月还本金是650.08").
    const rows = monthly('100000.00', '0.049', 120);
    expect(rows[0]).toMatchObject({ total: '1055.77', interest: '408.33', principal: '647.44' });
    expect(rows[1]).toMatchObject({ total: '1055.77', interest: '405.69', principal: '650.08' });
  });

  it('630,000 / 300,000 / 1,200,000 at 4.9% over 360 months → 3,343.58 / 1,592.18 / 6,368.72', () => {
    // Published calculator outputs ("63万…月供3343.58", "30万…月供1592.18", "1200000…每月月供6368.72元，第1个月还利息为4900；第1个月还本金为1468.72").
    expect(monthly('630000.00', '0.049', 360)[0]?.total).toBe('3343.58');
    expect(monthly('300000.00', '0.049', 360)[0]?.total).toBe('1592.18');
    expect(monthly('1200000.00', '0.049', 360)[0]).toMatchObject({
      total: '6368.72',
      interest: '4900.00',
      principal: '1468.72',
    });
  });

  it('spreadsheet PMT: PMT(0.12/12, 12, -10000) = 888.49; IPMT period 1 = 100.00', () => {
    // Standard spreadsheet functions (Excel / LibreOffice / Google Sheets PMT and IPMT).
    const rows = monthly('10000.00', '0.12', 12);
    expect(rows[0]).toMatchObject({ total: '888.49', interest: '100.00', principal: '788.49' });
    expect(rows[11]).toMatchObject({
      total: '888.47',
      interest: '8.80',
      principal: '879.67',
      remainingPrincipal: '0.00',
    });
  });

  it('Microsoft Excel PMT help example: 8% a year, 10 months, 10,000 → 1,037.03', () => {
    // support.microsoft.com "PMT function", example "=PMT(A2/12,A3,A4)" → ($1,037.03).
    expect(monthly('10000.00', '0.08', 10)[0]?.total).toBe('1037.03');
  });

  it('Microsoft Excel / SAS IPMT help example: 8,000 at 10% over 36 months → first month interest 66.67', () => {
    // support.microsoft.com "IPMT function" "=IPMT(A2/12, A3, A4*12, A5)" → ($66.67); SAS IPMT(0.1/12,1,36,8000) = 66.67.
    expect(monthly('8000.00', '0.10', 36)[0]?.interest).toBe('66.67');
  });

  it('Claris FileMaker PMT help example: 21,000 at 6.9% over 48 months → 501.90', () => {
    // help.claris.com "PMT": PMT(21000;.069/12;48) returns $501.90.
    expect(monthly('21000.00', '0.069', 48)[0]?.total).toBe('501.90');
  });

  it('MESCIUS formula reference: PMT(6%/12, 15, 5000) = 346.82', () => {
    // developer.mescius.com PMT: "PMT(6%/12, 15, 5000) gives the result -346.82".
    expect(monthly('5000.00', '0.06', 15)[0]?.total).toBe('346.82');
  });

  it('Adobe FormCalc reference: Pmt(150000, 0.0475/12, 300) = 855.176… → 855.18', () => {
    // help.adobe.com LiveCycle Designer FormCalc "Pmt": 855.17604207164.
    expect(monthly('150000.00', '0.0475', 300)[0]?.total).toBe('855.18');
  });

  it('the classic amortization table: 200,000 at 6% for 30 years → 1,199.10', () => {
    // The textbook 30-year fixed mortgage example (standard amortization tables / PMT(0.005,360,-200000)).
    const rows = monthly('200000.00', '0.06', 360);
    expect(rows[0]).toMatchObject({ total: '1199.10', interest: '1000.00', principal: '199.10' });
  });
});

describe('等额本金 EQUAL_PRINCIPAL against published figures', () => {
  it('1,000,000 at 4.9% over 360 months → 6,861.11 first month, falling by 11.34 a month', () => {
    // Widely published companion of the 5,307.27 example ("等额本金 首月6861.11元，每月递减11.34元").
    const rows = monthly('1000000.00', '0.049', 360, 'EQUAL_PRINCIPAL');
    expect(rows[0]).toMatchObject({ total: '6861.11', principal: '2777.78', interest: '4083.33' });
    expect(Number(rows[0]!.total) - Number(rows[1]!.total)).toBeCloseTo(11.34, 2);
    // Each interest is rounded on its own balance, so a step is 11.34 give or take a cent.
    for (let k = 1; k < rows.length - 1; k++) {
      const step = Math.round((Number(rows[k - 1]!.interest) - Number(rows[k]!.interest)) * 100);
      expect([1133, 1134, 1135]).toContain(step);
    }
    expect(rows.at(-1)).toMatchObject({ interest: '11.34', remainingPrincipal: '0.00' });
  });

  it('630,000 at 4.9% over 360 months → 4,322.50 first month, falling by 7.15', () => {
    // Published calculator output ("等额本金还款法…第一期：4322.50，随后每期逐笔递减金额：7.15").
    const rows = monthly('630000.00', '0.049', 360, 'EQUAL_PRINCIPAL');
    expect(rows[0]?.total).toBe('4322.50');
    expect(rows[1]?.total).toBe('4315.35');
  });
});
