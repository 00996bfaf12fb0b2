import { LOAN_TYPES } from '../../domain/types.js';
import { codeOptions, Select } from './controls.js';
import { Layout, T } from './layout.js';

export function InboxPage() {
  return (
    <Layout page="inbox" title="inbox.heading" permission="task:read">
      <div class="page-head">
        <h1>
          <T k="inbox.heading" />
        </h1>
        <span id="task-total" class="muted"></span>
      </div>
      <form id="filters" class="filters">
        <Select
          name="status"
          label="inbox.filter.status"
          options={codeOptions('taskStatus', ['OPEN', 'DONE', 'CANCELLED'])}
          selected="OPEN"
        />
        <Select name="loanType" label="inbox.filter.loanType" options={codeOptions('loanType', LOAN_TYPES)} withAll />
        <button id="refresh" type="button" class="button">
          <T k="common.refresh" />
        </button>
      </form>
      <div id="kind-tabs" class="tabs" role="tablist" aria-label="任务类型"></div>
      <p class="legend">
        <T k="inbox.legend" />
        <span class="age age-ok">
          <T k="inbox.age.ok" />
        </span>
        <span class="age age-warn">
          <T k="inbox.age.warn" />
        </span>
        <span class="age age-late">
          <T k="inbox.age.late" />
        </span>
      </p>
      <div id="content" class="table-wrap">
        <p class="muted">
          <T k="common.loading" />
        </p>
      </div>
    </Layout>
  );
}
