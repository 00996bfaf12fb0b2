import { Layout, T } from './layout.js';

/** Finance's desk: what waits for a second finance user, the trial balance and the latest reconciliation. */
export function FinancePage() {
  return (
    <Layout page="finance" title="finance.heading" permission="ledger:close">
      <div class="page-head">
        <h1>
          <T k="finance.heading" />
        </h1>
        <button id="refresh" type="button" class="button">
          <T k="common.refresh" />
        </button>
      </div>
      <section class="card" data-section="finance.section.pending">
        <h2>
          <T k="finance.section.pending" />
        </h2>
        <p class="muted">
          <T k="finance.pending.intro" />
        </p>
        <div id="pending-result" aria-live="polite"></div>
        <div id="pending" class="table-wrap">
          <p class="muted">
            <T k="common.loading" />
          </p>
        </div>
      </section>
      <section class="card" data-section="finance.section.trialBalance">
        <h2>
          <T k="finance.section.trialBalance" />
        </h2>
        <div id="trial-balance" class="table-wrap">
          <p class="muted">
            <T k="common.loading" />
          </p>
        </div>
      </section>
      <section class="card" data-section="finance.section.reconciliation">
        <h2>
          <T k="finance.section.reconciliation" />
        </h2>
        <div id="reconciliation" class="table-wrap">
          <p class="muted">
            <T k="common.loading" />
          </p>
        </div>
      </section>
    </Layout>
  );
}
