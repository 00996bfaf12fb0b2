// /m/loans/{loanId}: one loan as its borrower follows it. Every section is filled by the script from
// the borrower's view of the loan and shown only when the loan's status calls for it.
import { MobileLayout } from './layout.js';
import { RepayForm, SignForm } from './loan-forms.js';

export function MobileLoanPage({ loanId }: { loanId: string }) {
  return (
    <MobileLayout page="loan" title="借款详情" back data={{ loan: loanId }}>
      <section id="status" class="m-card m-status" aria-live="polite" hidden>
        <p id="status-words" class="m-status-words"></p>
        <p id="status-hint" class="m-muted"></p>
        <dl id="loan-terms" class="m-terms"></dl>
      </section>
      <section id="documents" class="m-card m-stack" hidden>
        <h2>上传资料</h2>
        <p id="documents-missing" class="m-muted"></p>
        <ul id="document-list" class="m-list"></ul>
      </section>
      <section id="contract" class="m-card m-stack" hidden>
        <h2>借款合同</h2>
        <dl id="offer" class="m-terms"></dl>
        <button type="button" id="read-contract" class="m-button m-secondary">
          阅读合同
        </button>
        <iframe id="contract-text" class="m-contract" title="借款合同" sandbox="" hidden></iframe>
        <SignForm />
      </section>
      <section id="repay" class="m-card m-stack" hidden>
        <h2>还款</h2>
        <div id="payment-result" class="m-alert" role="status" hidden></div>
        <dl id="dues" class="m-terms"></dl>
        <RepayForm />
      </section>
      <section id="certificate" class="m-card m-stack" hidden>
        <h2>结清证明</h2>
        <p class="m-muted">您的借款已全部还清，可下载结清证明。</p>
        <button type="button" id="download-certificate" class="m-button">
          下载结清证明
        </button>
      </section>
      <section id="schedule" class="m-card" hidden>
        <h2 id="schedule-heading">还款计划</h2>
        <table class="m-table">
          <thead>
            <tr>
              <th scope="col">期数</th>
              <th scope="col">应还日</th>
              <th scope="col">应还金额</th>
              <th scope="col">状态</th>
            </tr>
          </thead>
          <tbody id="schedule-rows"></tbody>
        </table>
      </section>
      <section id="pdfs" class="m-card m-stack" hidden>
        <h2>我的单据</h2>
        <ul id="receipt-list" class="m-list"></ul>
        <div id="fixed-pdfs" class="m-stack"></div>
        <form id="statement-form" class="m-stack">
          <label>
            对账单开始日期
            <input type="date" name="from" required />
          </label>
          <label>
            对账单结束日期
            <input type="date" name="to" required />
          </label>
          <button type="submit" class="m-button m-secondary">
            下载对账单 PDF
          </button>
        </form>
      </section>
      <section id="payments" class="m-card" hidden>
        <h2>还款记录</h2>
        <ul id="payment-list" class="m-list"></ul>
      </section>
    </MobileLayout>
  );
}
