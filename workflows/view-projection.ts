// The parts of the loan view only the workflow knows, handed to the loans projection (loans.view_fields)
// so every read is served from PostgreSQL. They ride on the activities the workflow calls anyway
// (recordLoanEvent, recordServicing), and a field goes only when it changed since this run last
// sent it, so histories stay small. The rest of the view is projected already: status, assessment
// and offer as loans columns, the timeline as loan_events, recent payments as repayments.
import {
  PROJECTED_VIEW_FIELDS,
  projectedValue,
  type ProjectedViewField,
  type ViewHandover,
  type ViewPatch,
  type ViewStamp,
} from '../contracts/view-fields.js';
import type { LoanContext } from './context.js';

/** What this run last handed over; a new run (or the servicing phase's fresh context) starts empty. */
export interface ViewProjectionState {
  sent: Partial<Record<ProjectedViewField, string>>;
  /** The sequence number of the last write, and how many writes went with it. */
  sequence: number;
  writes: number;
}

/**
 * The fields that changed since the last handover of this run, stamped. `eventSequence` is the
 * sequence number of the event being recorded; without it (an account change between events) the
 * write is stamped after the latest event.
 */
export function viewHandover(ctx: LoanContext, eventSequence?: number): ViewHandover | Record<string, never> {
  const state = (ctx.projected ??= { sent: {}, sequence: 0, writes: 0 });
  const view = ctx.currentView ? ctx.currentView() : ctx.view;
  const patch: ViewPatch = {};
  for (const field of PROJECTED_VIEW_FIELDS) {
    const value = projectedValue(view, field);
    const json = value === undefined ? undefined : JSON.stringify(value);
    if (json === state.sent[field]) continue;
    if (json === undefined) {
      patch[field] = null;
      delete state.sent[field];
    } else {
      patch[field] = JSON.parse(json) as unknown;
      state.sent[field] = json;
    }
  }
  if (Object.keys(patch).length === 0) return {};
  const run = view.servicing?.run ?? 0;
  let stamp: ViewStamp;
  if (eventSequence !== undefined) {
    stamp = [run, eventSequence, 0];
    state.sequence = eventSequence;
    state.writes = 0;
  } else {
    if (state.sequence !== ctx.sequence) {
      state.sequence = ctx.sequence;
      state.writes = 0;
    }
    state.writes += 1;
    stamp = [run, ctx.sequence, state.writes];
  }
  return { view: patch, viewStamp: stamp };
}
