import { Layout, T } from './layout.js';

export function LoanPage({ loanId }: { loanId: string }) {
  return (
    <Layout page="loan" title="loan.heading" permission="loan:read">
      <div class="page-head">
        <h1>
          <T k="loan.heading" /> <span class="mono">{loanId}</span>
        </h1>
        <span id="loan-status"></span>
      </div>
      <div id="content" data-loan-id={loanId}>
        <p class="muted">
          <T k="common.loading" />
        </p>
      </div>
    </Layout>
  );
}
