// /m/loans: the borrower's loans and the products they can apply for.
import { MobileLayout } from './layout.js';

export function MobileHomePage() {
  return (
    <MobileLayout page="home" title="我的借款">
      <p id="greeting" class="m-muted"></p>
      <section class="m-section" aria-labelledby="loans-heading">
        <h2 id="loans-heading">我的借款</h2>
        <ul id="loans" class="m-list" aria-busy="true"></ul>
        <p id="no-loans" class="m-muted" hidden>
          您还没有借款。
        </p>
      </section>
      <section class="m-section" aria-labelledby="products-heading">
        <h2 id="products-heading">申请借款</h2>
        <ul id="products" class="m-list" aria-busy="true"></ul>
      </section>
    </MobileLayout>
  );
}
