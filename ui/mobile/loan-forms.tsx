// The loan page's two forms: the signature (an SMS code to the borrower's phone) and the online
// repayment (an amount, filled from what is due next or what closes the loan today).
import { Field } from './field.js';

function CodeRow({ button }: { button: string }) {
  return (
    <div class="m-row">
      <Field
        name="smsCode"
        label="短信验证码"
        inputmode="numeric"
        autocomplete="one-time-code"
        maxlength={6}
        required
      />
      <button type="button" id={button} class="m-button m-secondary">
        获取验证码
      </button>
    </div>
  );
}

export function SignForm() {
  return (
    <form id="sign-form" class="m-stack" hidden>
      <p class="m-muted">签署即表示您已阅读并同意上述合同。验证码将发送到您登录的手机号。</p>
      <CodeRow button="send-sign-code" />
      <div class="m-alert m-error" data-error-for="" role="alert" hidden></div>
      <button type="submit" class="m-button">
        签署合同
      </button>
    </form>
  );
}

export function RepayForm() {
  return (
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
  );
}
