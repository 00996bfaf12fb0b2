// /m/apply/{productCode}: the application form for one product, with the APR of the terms chosen
// and the two consents. The section a loan type needs (business, farm, collateral, guarantor) is
// shown by the script from m-site.js.
import { Choice, Field } from './field.js';
import { MobileLayout } from './layout.js';

/** The version of the consent text this form shows; the application records it with the consents. */
export const CONSENT_TEXT_VERSION = 'h5-2026.1';

export function MobileApplyPage({ productCode }: { productCode: string }) {
  return (
    <MobileLayout page="apply" title="申请借款" back data={{ product: productCode, consentVersion: CONSENT_TEXT_VERSION }}>
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
          <Field name="bankAccount.cardNumber" label="收款银行卡号" inputmode="numeric" maxlength={23} autocomplete="off" required />
          <Field name="bankAccount.bankName" label="开户银行" maxlength={50} required />
        </section>
        <section class="m-card m-stack" data-section="business" hidden>
          <h2>经营信息</h2>
          <Field name="business.licenseNumber" label="营业执照统一社会信用代码" maxlength={30} />
          <Choice name="business.industry" label="行业" />
          <Field name="business.monthlyRevenue" label="月营业额（元）" inputmode="decimal" />
        </section>
        <section class="m-card m-stack" data-section="farm" hidden>
          <h2>种养信息</h2>
          <Field name="farm.landAreaMu" label="经营土地面积（亩）" inputmode="decimal" />
          <Field name="farm.crops" label="主要作物（用逗号分隔）" />
          <Field name="farm.livestock" label="养殖情况" maxlength={100} />
          <Field name="farm.cooperative" label="所在合作社" maxlength={100} />
        </section>
        <section class="m-card m-stack" data-section="collateral" hidden>
          <h2>抵押物</h2>
          <Choice name="collateral.type" label="抵押物类型" />
          <Field name="collateral.description" label="抵押物描述" maxlength={500} />
          <Field name="collateral.appraisedValue" label="评估价值（元）" inputmode="decimal" />
          <Field name="collateral.existingLiens" label="已有抵押余额（元）" inputmode="decimal" />
        </section>
        <section class="m-card m-stack" data-section="guarantor" hidden>
          <h2>担保人</h2>
          <Field name="guarantor.name" label="担保人姓名" maxlength={50} />
          <Field name="guarantor.idNumber" label="担保人身份证号" maxlength={18} autocomplete="off" />
          <Field name="guarantor.phone" label="担保人手机号" type="tel" inputmode="numeric" maxlength={11} />
          <Field name="guarantor.monthlyIncome" label="担保人月收入（元）" inputmode="decimal" />
          <Choice name="guarantor.relationship" label="与您的关系" />
        </section>
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
        </section>
        <div class="m-alert m-error" data-error-for="" role="alert" hidden></div>
        <button type="submit" class="m-button">
          提交申请
        </button>
      </form>
    </MobileLayout>
  );
}
