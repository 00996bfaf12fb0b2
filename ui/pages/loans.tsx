import { LOAN_STATUSES, LOAN_TYPES } from '../../domain/types.js';
import { codeOptions, Select } from './controls.js';
import { Layout, T } from './layout.js';

export function LoansPage() {
  return (
    <Layout page="loans" title="loans.heading" permission="loan:list">
      <div class="page-head">
        <h1>
          <T k="loans.heading" />
        </h1>
        <span id="loan-total" class="muted"></span>
      </div>
      <form id="filters" class="filters">
        <Select name="status" label="loans.filter.status" options={codeOptions('status', LOAN_STATUSES)} withAll />
        <Select name="loanType" label="inbox.filter.loanType" options={codeOptions('loanType', LOAN_TYPES)} withAll />
      </form>
      <div id="content" class="table-wrap">
        <p class="muted">
          <T k="common.loading" />
        </p>
      </div>
      <div class="pager">
        <button id="previous" type="button" class="button" disabled>
          <T k="common.previous" />
        </button>
        <button id="next" type="button" class="button" disabled>
          <T k="common.next" />
        </button>
      </div>
    </Layout>
  );
}
