import { Layout, T } from './layout.js';

/** The compliance officer's desk: screening hits to clear or confirm, report drafts to submit or dismiss. */
export function AmlPage() {
  return (
    <Layout page="aml" title="aml.heading" permission="aml:review">
      <div class="page-head">
        <h1>
          <T k="aml.heading" />
        </h1>
        <button id="refresh" type="button" class="button">
          <T k="common.refresh" />
        </button>
      </div>
      <div id="result" aria-live="polite"></div>
      <section class="card" data-section="aml.section.reviews">
        <h2>
          <T k="aml.section.reviews" />
        </h2>
        <p class="muted">
          <T k="aml.reviews.intro" />
        </p>
        <div id="reviews" class="table-wrap">
          <p class="muted">
            <T k="common.loading" />
          </p>
        </div>
      </section>
      <section class="card" data-section="aml.section.reports">
        <h2>
          <T k="aml.section.reports" />
        </h2>
        <div id="reports" class="table-wrap">
          <p class="muted">
            <T k="common.loading" />
          </p>
        </div>
      </section>
    </Layout>
  );
}
