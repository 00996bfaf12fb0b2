import { Layout, T } from './layout.js';

export function NotFoundPage() {
  return (
    <Layout page="not-found" title="common.notFound">
      <section class="card">
        <h1>
          <T k="common.notFound" />
        </h1>
        <a class="button" href="/">
          <T k="common.backHome" />
        </a>
      </section>
    </Layout>
  );
}
