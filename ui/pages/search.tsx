import { Layout, T } from './layout.js';

export function SearchPage() {
  return (
    <Layout page="search" title="search.heading" permission="borrower:search">
      <div class="page-head">
        <h1>
          <T k="search.heading" />
        </h1>
      </div>
      <form id="search" class="filters" role="search">
        <label>
          <T k="search.q" /> <input name="q" type="search" required minlength={2} maxlength={64} autocomplete="off" />
        </label>
        <button type="submit" class="button primary">
          <T k="search.submit" />
        </button>
      </form>
      <div id="content" class="table-wrap"></div>
    </Layout>
  );
}
