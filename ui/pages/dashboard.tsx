import { zh } from '../i18n.js';
import { Layout, T } from './layout.js';

export function DashboardPage() {
  return (
    <Layout page="dashboard" title="dash.heading" permission="report:read" charts>
      <div class="page-head">
        <h1>
          <T k="dash.heading" />
        </h1>
        <span id="as-of" class="muted"></span>
      </div>
      <form id="period" class="filters">
        <label class="field">
          <T k="dash.from" />
          <input type="date" name="from" required />
        </label>
        <label class="field">
          <T k="dash.to" />
          <input type="date" name="to" required />
        </label>
        <button type="submit" class="button primary" data-i18n="dash.apply">
          {zh('dash.apply')}
        </button>
      </form>
      <div id="period-error" class="alert alert-error" role="alert" hidden></div>
      <form id="regulatory" class="filters" data-href="/v1/reports/regulatory/monthly.csv">
        <label class="field">
          <T k="dash.regulatory.month" />
          <input type="month" name="month" required />
        </label>
        <button type="submit" class="button" data-i18n="dash.regulatory.export">
          {zh('dash.regulatory.export')}
        </button>
      </form>
      <div id="regulatory-error"></div>
      <div id="content">
        <p class="muted">
          <T k="common.loading" />
        </p>
      </div>
    </Layout>
  );
}
