import { Layout, T } from './layout.js';

export function BorrowerPage({ borrowerId }: { borrowerId: string }) {
  return (
    <Layout page="borrower" title="borrower.heading" permission="borrower:read">
      <div class="page-head">
        <h1>
          <T k="borrower.heading" />
        </h1>
      </div>
      <div id="content" data-borrower-id={borrowerId}>
        <p class="muted">
          <T k="common.loading" />
        </p>
      </div>
    </Layout>
  );
}
