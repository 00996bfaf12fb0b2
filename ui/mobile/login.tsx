// /m/: log in with the phone number and password, or register with an SMS code.
import { Field } from './field.js';
import { MobileLayout } from './layout.js';

export function MobileLoginPage() {
  return (
    <MobileLayout page="login" title="借款">
      <div class="m-tabs" role="tablist">
        <button type="button" role="tab" id="tab-login" class="m-tab" aria-selected="true">
          登录
        </button>
        <button type="button" role="tab" id="tab-register" class="m-tab" aria-selected="false">
          注册
        </button>
      </div>
      <form id="login-form" class="m-card m-stack" autocomplete="on">
        <Field
          name="phone"
          label="手机号"
          type="tel"
          inputmode="numeric"
          autocomplete="username"
          maxlength={11}
          required
        />
        <Field name="password" label="密码" type="password" autocomplete="current-password" maxlength={256} required />
        <div class="m-alert m-error" data-error-for="" role="alert" hidden></div>
        <button type="submit" class="m-button">
          登录
        </button>
      </form>
      <form id="register-form" class="m-card m-stack" hidden>
        <Field name="phone" label="手机号" type="tel" inputmode="numeric" autocomplete="tel" maxlength={11} required />
        <div class="m-row">
          <Field
            name="smsCode"
            label="短信验证码"
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength={6}
            required
          />
          <button type="button" id="send-register-code" class="m-button m-secondary">
            获取验证码
          </button>
        </div>
        <Field name="name" label="姓名（与身份证一致）" autocomplete="name" maxlength={50} required />
        <Field name="idNumber" label="身份证号" maxlength={18} autocomplete="off" required />
        <Field name="password" label="设置密码" type="password" autocomplete="new-password" maxlength={256} required />
        <div class="m-alert m-error" data-error-for="" role="alert" hidden></div>
        <button type="submit" class="m-button">
          注册并登录
        </button>
      </form>
    </MobileLayout>
  );
}
