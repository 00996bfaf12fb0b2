// /m/apply/{productCode}: the application form for one product, with the APR of the terms chosen
// and the two consents. The section a loan type needs (business, farm, collateral, guarantor) is
// shown by the script from m-site.js.
import { LoanTypeSections } from './apply-sections.js';
import { Choice, Field } from './field.js';
import { MobileLayout } from './layout.js';

/** The version of the consent text this form shows; the application records it with the consents. */
export const CONSENT_TEXT_VERSION = 'h5-2026.1';

export function MobileApplyPage({ productCode }: { productCode: string }) {
  return (
    <MobileLayout
      page="apply"
      title="申请借款"
      back
      data={{ product: productCode, consentVersion: CONSENT_TEXT_VERSION }}
    >
      <form id="apply-form" class="m-stack" hidden>
        <section class="m-card m-stack">
          <h2 id="product-name"></h2>
          <p id="product-range" class="m-muted"></p>
          <Field name="amount" label="借款金额（元）" inputmode="decimal" required />
          <Field name="termCount" label="期数" type="number" inputmode="numeric" required />
          <Choice name="method" label="还款方式" />
          <Choice name="frequency" label="还款频率" />
          <Field name="purpose" label="借款用途" maxlength={200} required />
          <div id="quote" class="m-quote" aria-live="polite"></div>
        </section>
        <section class="m-card m-stack">
          <h2>个人信息</h2>
          <Field name="applicant.name" label="姓名" autocomplete="name" maxlength={50} required />
          <Field name="applicant.idNumber" label="身份证号" maxlength={18} autocomplete="off" required />
          <Field name="applicant.phone" label="手机号" type="tel" inputmode="numeric" maxlength={11} required />
          <Field name="applicant.monthlyIncome" label="月收入（元）" inputmode="decimal" required />
          <Field name="applicant.employer" label="工作单位" maxlength={100} />
          <Field
            name="bankAccount.cardNumber"
            label="收款银行卡号"
            inputmode="numeric"
            maxlength={23}
            autocomplete="off"
            required
          />
          <Field name="bankAccount.bankName" label="开户银行" maxlength={50} required />
        </section>
        <LoanTypeSections />
        <section class="m-card m-stack">
          <label class="m-check">
            <input type="checkbox" name="consent.creditQuery" />
            <span>本人授权贷款机构向征信机构查询本人信用信息</span>
          </label>
          <small class="m-field-error" data-error-for="consent.creditQuery" hidden></small>
          <label class="m-check">
            <input type="checkbox" name="consent.dataProcessing" />
            <span>本人同意贷款机构为审批和贷后管理处理本人提供的个人信息</span>
          </label>
          <small class="m-field-error" data-error-for="consent.dataProcessing" hidden></small>
          <label class="m-check">
            <input type="checkbox" name="consent.creditReporting" />
            <span>本人同意贷款机构向金融信用信息基础数据库报送本笔借款的信息（含逾期等不良信息）</span>
          </label>
          <small class="m-field-error" data-error-for="consent.creditReporting" hidden></small>
        </section>
        <div class="m-alert m-error" data-error-for="" role="alert" hidden></div>
        <button type="submit" class="m-button">
          提交申请
        </button>
      </form>
    </MobileLayout>
  );
}
