// /m/loans/{loanId}: one loan as its borrower follows it. Every section is filled by the script from
// the borrower's view of the loan and shown only when the loan's status calls for it.
import { Field } from './field.js';
import { MobileLayout } from './layout.js';

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
        <form id="sign-form" class="m-stack" hidden>
          <p class="m-muted">签署即表示您已阅读并同意上述合同。验证码将发送到您登录的手机号。</p>
          <div class="m-row">
            <Field name="smsCode" label="短信验证码" inputmode="numeric" autocomplete="one-time-code" maxlength={6} required />
            <button type="button" id="send-sign-code" class="m-button m-secondary">
              获取验证码
            </button>
          </div>
          <div class="m-alert m-error" data-error-for="" role="alert" hidden></div>
          <button type="submit" class="m-button">
            签署合同
          </button>
        </form>
      </section>
      <section id="repay" class="m-card m-stack" hidden>
        <h2>还款</h2>
        <div id="payment-result" class="m-alert" role="status" hidden></div>
        <dl id="dues" class="m-terms"></dl>
        <form id="repay-form" class="m-stack">
          <Field name="amount" label="还款金额（元）" inputmode="decimal" required />
          <div class="m-row">
            <button type="button" id="fill-next-due" class="m-button m-secondary" hidden>
              还本期
            </button>
            <button type="button" id="fill-payoff" class="m-button m-secondary">
              提前结清
            </button>
          </div>
          <div class="m-alert m-error" data-error-for="" role="alert" hidden></div>
          <button type="submit" class="m-button">
            去支付
          </button>
        </form>
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
      <section id="payments" class="m-card" hidden>
        <h2>还款记录</h2>
        <ul id="payment-list" class="m-list"></ul>
      </section>
    </MobileLayout>
  );
}
