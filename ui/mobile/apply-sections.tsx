// The parts of the application only some loan types have: the script shows the one REQUIRED_SECTION
// names for the product's loan type (m-site.js) and leaves the others out of the body.
import { Choice, Field } from './field.js';

export function LoanTypeSections() {
  return (
    <>
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
    </>
  );
}
