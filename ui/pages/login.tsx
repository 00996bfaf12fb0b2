import { zh } from '../i18n.js';
import { Layout, T } from './layout.js';

export function LoginPage({ showDemoAccounts }: { showDemoAccounts: boolean }) {
  return (
    <Layout page="login" title="login.heading">
      <section class="card login-card">
        <h1>
          <T k="login.heading" />
        </h1>
        <p class="muted">
          <T k="login.intro" />
        </p>
        <div id="login-notice" class="alert alert-info" role="status" hidden></div>
        <form id="login-form" class="stack" autocomplete="on">
          <label class="field">
            <T k="login.username" />
            <input
              id="username"
              name="username"
              autocomplete="username"
              required
              maxlength={64}
              data-i18n-placeholder="login.usernameHint"
              placeholder={zh('login.usernameHint')}
            />
          </label>
          <label class="field">
            <T k="login.password" />
            <input
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              maxlength={256}
            />
          </label>
          <div id="login-error" class="alert alert-error" role="alert" hidden></div>
          <button id="login-submit" type="submit" class="button primary">
            <T k="login.submit" />
          </button>
        </form>
        {showDemoAccounts ? (
          <p class="hint">
            <T k="login.demo" />
          </p>
        ) : null}
      </section>
    </Layout>
  );
}
