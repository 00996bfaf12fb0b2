// /m/: log in with phone and password, or register with an SMS code and then log in.
import { api, ApiFailure, busy, clearErrors, countDown, session, showErrors } from '/ui/assets/m-api.js';

const loginForm = document.getElementById('login-form');
const registerForm = document.getElementById('register-form');

function showTab(which) {
  loginForm.hidden = which !== 'login';
  registerForm.hidden = which !== 'register';
  document.getElementById('tab-login').setAttribute('aria-selected', String(which === 'login'));
  document.getElementById('tab-register').setAttribute('aria-selected', String(which === 'register'));
}

async function logIn(phone, password) {
  const answer = await api('/v1/auth/login', { method: 'POST', body: { username: phone, password }, auth: false });
  if (answer.role !== 'BORROWER') {
    // A staff account has its own pages; the token is not kept here.
    await fetch('/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${answer.token}` } });
    throw new ApiFailure(403, {
      error: { code: 'NOT_A_BORROWER', message: { zh: '本应用仅供借款人使用，员工请从首页登录' } },
    });
  }
  session.save({ token: answer.token, expiresAt: answer.expiresAt, phone });
  location.assign('/m/loans');
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  clearErrors(loginForm);
  const button = loginForm.querySelector('button[type="submit"]');
  void busy(button, async () => {
    try {
      await logIn(loginForm.phone.value.trim(), loginForm.password.value);
    } catch (error) {
      // The login answers name no field: a wrong phone or password shows under the form.
      showErrors(loginForm, error);
      loginForm.password.value = '';
    }
  });
});

document.getElementById('send-register-code').addEventListener('click', (event) => {
  const button = event.currentTarget;
  clearErrors(registerForm);
  void busy(button, async () => {
    try {
      const sent = await api('/v1/auth/sms-codes', {
        method: 'POST',
        body: { phone: registerForm.phone.value.trim(), purpose: 'REGISTER' },
        auth: false,
      });
      queueMicrotask(() => countDown(button, sent.resendAfterSeconds, '获取验证码'));
    } catch (error) {
      showErrors(registerForm, error);
    }
  });
});

registerForm.addEventListener('submit', (event) => {
  event.preventDefault();
  clearErrors(registerForm);
  const button = registerForm.querySelector('button[type="submit"]');
  const f = registerForm;
  const phone = f.phone.value.trim();
  void busy(button, async () => {
    try {
      await api('/v1/auth/register', {
        method: 'POST',
        auth: false,
        body: {
          phone,
          smsCode: f.smsCode.value.trim(),
          name: f.elements.namedItem('name').value.trim(),
          idNumber: f.idNumber.value.trim().toUpperCase(),
          password: f.password.value,
        },
      });
      await logIn(phone, f.password.value);
    } catch (error) {
      showErrors(registerForm, error);
    }
  });
});

document.getElementById('tab-login').addEventListener('click', () => showTab('login'));
document.getElementById('tab-register').addEventListener('click', () => showTab('register'));
if (session.get()) location.replace('/m/loans');
