// The login page: signs in with the JSON API and keeps the token in sessionStorage.
import { api, ApiFailure, bi, homeFor, onLanguageChange, session, startLanguage, t } from '/ui/assets/core.js';
import { safeNext } from '/ui/assets/safe-next.js';

const params = new URLSearchParams(location.search);

let lastError = null;

function showError(error) {
  lastError = error;
  const box = document.getElementById('login-error');
  box.textContent = error instanceof ApiFailure ? bi(error.text) : String(error.message ?? error);
  box.hidden = false;
}

async function signIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const button = document.getElementById('login-submit');
  document.getElementById('login-error').hidden = true;
  lastError = null;
  button.disabled = true;
  button.textContent = t('login.submitting');
  const username = form.username.value.trim();
  try {
    const answer = await api('/v1/auth/login', {
      method: 'POST',
      body: { username, password: form.password.value },
      auth: false,
    });
    session.save({ token: answer.token, role: answer.role, expiresAt: answer.expiresAt, username });
    location.assign(safeNext(params.get('next'), location.origin) ?? homeFor(answer.role));
  } catch (error) {
    showError(error);
    form.password.value = '';
    form.password.focus();
  } finally {
    button.disabled = false;
    button.textContent = t('login.submit');
  }
}

function showNotice() {
  const notice = document.getElementById('login-notice');
  notice.hidden = params.get('reason') !== 'expired';
  notice.textContent = t('login.expired');
}

startLanguage();
const current = session.get();
if (current) {
  location.replace(safeNext(params.get('next'), location.origin) ?? homeFor(current.role));
} else {
  showNotice();
  document.getElementById('login-form').addEventListener('submit', signIn);
  onLanguageChange(() => {
    showNotice();
    if (lastError) showError(lastError);
  });
  document.getElementById('username').focus();
}
