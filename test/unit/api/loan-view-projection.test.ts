// The view fields a workflow hands to the loans projection: only what changed, stamped so that
// writes stored out of order still leave each field at its latest value, and read back with the
// documents received since.
import { describe, expect, it } from 'vitest';
import { compareStamps, mergeViewFields } from '../../../activities/view-fields.js';
import { withNewDocuments } from '../../../api/loan-view.js';
import type { LoanContext } from '../../../workflows/context.js';
import type { LoanView, ServicingView } from '../../../contracts/loan-view.js';
import type { ViewHandover, ViewStamp } from '../../../contracts/view-fields.js';
import { viewHandover } from '../../../workflows/view-projection.js';

function contextOf(view: Partial<LoanView> = {}, sequence = 0): LoanContext {
  return {
    input: {} as LoanContext['input'],
    timeZone: 'Asia/Shanghai',
    sequence,
    view: {
      loanId: 'loan-20261206-0000000001',
      status: 'AWAITING_DOCUMENTS',
      loanType: 'PERSONAL_CONSUMER',
      productCode: 'CONSUMER_STD',
      borrowerId: 'b',
      channel: 'ONLINE',
      requested: {
        amount: '8000.00',
        termCount: 12,
        method: 'EQUAL_INSTALLMENT',
        frequency: 'MONTHLY',
        annualRate: '0.12',
      },
      requiredDocuments: ['ID_FRONT'],
      documents: [],
      missingDocuments: ['ID_FRONT'],
      reviews: [],
      disbursements: [],
      timeline: [],
      ...view,
    },
  };
}

const servicing = (run: number, principal: string): ServicingView =>
  ({
    run,
    balances: { principal },
    recentPayments: [{ paymentId: 'p1', channel: 'ONLINE', amount: '1.00', receivedOn: '2026-12-06' }],
  }) as unknown as ServicingView;

describe('handing the view fields over', () => {
  it('sends every field once, then only what changed, and null for a field that went away', () => {
    const ctx = contextOf();
    const first = viewHandover(ctx, 1) as ViewHandover;
    expect(first.viewStamp).toEqual([0, 1, 0]);
    expect(Object.keys(first.view).sort()).toEqual([
      'disbursements',
      'documents',
      'missingDocuments',
      'requested',
      'requiredDocuments',
      'reviews',
    ]);
    expect(viewHandover(ctx, 2)).toEqual({});

    ctx.view.documentDeadline = '2026-12-20T00:00:00.000Z';
    ctx.view.missingDocuments = [];
    expect(viewHandover(ctx, 3)).toEqual({
      view: { documentDeadline: '2026-12-20T00:00:00.000Z', missingDocuments: [] },
      viewStamp: [0, 3, 0],
    });
    delete ctx.view.documentDeadline;
    expect(viewHandover(ctx, 4)).toEqual({ view: { documentDeadline: null }, viewStamp: [0, 4, 0] });
  });

  it('leaves recent payments out of the servicing figures (the repayments table has them)', () => {
    const ctx = contextOf({ status: 'ACTIVE' }, 9);
    ctx.currentView = () => ({ ...ctx.view, servicing: servicing(0, '8000.00') });
    const sent = viewHandover(ctx) as ViewHandover;
    expect(sent.view.servicing).toEqual({ run: 0, balances: { principal: '8000.00' } });
  });

  it('stamps writes between events after the latest event, in order, and a later run after an earlier one', () => {
    const origination = contextOf({}, 0);
    const event = viewHandover(origination, 7) as ViewHandover;
    expect(event.viewStamp).toEqual([0, 7, 0]);

    // Servicing opens with a fresh context in the same run, at the same sequence number.
    let principal = '8000.00';
    const opened = contextOf({ status: 'DISBURSING' }, 7);
    opened.currentView = () => ({ ...opened.view, servicing: servicing(0, principal) });
    const adopted = viewHandover(opened) as ViewHandover;
    principal = '7900.00';
    const again = viewHandover(opened) as ViewHandover;
    expect(adopted.viewStamp).toEqual([0, 7, 1]);
    expect(again.viewStamp).toEqual([0, 7, 2]);
    expect(compareStamps(event.viewStamp, adopted.viewStamp)).toBeLessThan(0);
    expect(compareStamps(adopted.viewStamp, again.viewStamp)).toBeLessThan(0);
    principal = '7800.00';
    opened.sequence = 8;
    expect((viewHandover(opened) as ViewHandover).viewStamp).toEqual([0, 8, 1]);

    const nextRun = contextOf({ status: 'ACTIVE' }, 8);
    nextRun.currentView = () => ({ ...nextRun.view, servicing: servicing(1, principal) });
    const resumed = viewHandover(nextRun) as ViewHandover;
    expect(resumed.viewStamp).toEqual([1, 8, 1]);
    expect(compareStamps(again.viewStamp, resumed.viewStamp)).toBeLessThan(0);
  });
});

describe('storing the view fields', () => {
  const write = (
    state: { fields: Record<string, unknown>; stamps: Record<string, ViewStamp> },
    patch: Record<string, unknown>,
    stamp: ViewStamp,
  ) => mergeViewFields(state.fields, state.stamps, patch, stamp);

  it('keeps the latest value of each field whatever order the writes land in', () => {
    const writes: Array<[Record<string, unknown>, ViewStamp]> = [
      [{ servicing: 'A', reviews: ['r1'] }, [0, 5, 0]],
      [{ servicing: 'B' }, [0, 5, 1]],
      [{ reviews: ['r1', 'r2'] }, [0, 6, 0]],
      [{ servicing: 'C' }, [1, 6, 1]],
    ];
    const inOrder = writes.reduce((s, [patch, stamp]) => write(s, patch, stamp), {
      fields: {},
      stamps: {},
    } as ReturnType<typeof write>);
    for (const order of [
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1],
    ]) {
      const shuffled = order.reduce((s, i) => write(s, writes[i]![0], writes[i]![1]), {
        fields: {},
        stamps: {},
      } as ReturnType<typeof write>);
      expect(shuffled.fields).toEqual(inOrder.fields);
    }
    expect(inOrder.fields).toEqual({ servicing: 'C', reviews: ['r1', 'r2'] });
  });

  it('removes a field sent as null, and takes a repeated write again', () => {
    const set = write({ fields: {}, stamps: {} }, { closedReason: { zh: '撤回', en: 'Withdrawn' } }, [0, 3, 0]);
    expect(write(set, { closedReason: { zh: '撤回', en: 'Withdrawn' } }, [0, 3, 0]).fields).toEqual(set.fields);
    expect(write(set, { closedReason: null }, [0, 4, 0]).fields).toEqual({});
    expect(write(set, { closedReason: null }, [0, 2, 0]).changed).toBe(false);
  });
});

describe('documents received since the workflow last wrote', () => {
  it('are added, and satisfy what is missing of their type', () => {
    const known = { documentId: 'd1', type: 'ID_FRONT' as const, sha256: 'a' };
    const read = withNewDocuments({ documents: [known], missingDocuments: ['ID_BACK', 'INCOME_PROOF'] }, [
      { id: 'd1', type: 'ID_FRONT', sha256: 'a', delivered: true },
      { id: 'd2', type: 'INCOME_PROOF', sha256: 'b', delivered: true },
    ]);
    expect(read).toEqual({
      documents: [known, { documentId: 'd2', type: 'INCOME_PROOF', sha256: 'b' }],
      missingDocuments: ['ID_BACK'],
    });
  });

  it('are listed but satisfy nothing while the workflow was never told of them, so the client uploads again', () => {
    const read = withNewDocuments({ documents: [], missingDocuments: ['ID_FRONT', 'INCOME_PROOF'] }, [
      { id: 'd1', type: 'ID_FRONT', sha256: 'a', delivered: false },
      { id: 'd2', type: 'INCOME_PROOF', sha256: 'b', delivered: true },
    ]);
    expect(read).toEqual({
      documents: [
        { documentId: 'd1', type: 'ID_FRONT', sha256: 'a' },
        { documentId: 'd2', type: 'INCOME_PROOF', sha256: 'b' },
      ],
      missingDocuments: ['ID_FRONT'],
    });
  });
});
