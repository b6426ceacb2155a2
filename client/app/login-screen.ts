/**
 * The sign-in screen (POST /api/auth/login). The form is the harness's contract
 * (tests/browser/support/browser-session.ts): form[data-testid="login-form"] with inputs named username and
 * password and a submit button. Errors are translated from the server's code; a locked account says until when.
 */
import { ApiError, apiPost, setCsrfToken } from '../api/api-client.js';
import type { Account } from '../api/api-types.js';
import { currentLanguage, onLanguageChange, setLanguage, t } from '../i18n.js';
import { describeError } from './api-error-text.js';
import { el, replaceChildren } from './dom.js';
import { formatTime } from './format.js';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { loginRoute } from '../../server/auth/auth-contract.js';

export function showLoginScreen(root: HTMLElement, onSignedIn: (account: Account) => void): () => void {
  const username = el('input', { attrs: { name: 'username', autocomplete: 'username', required: true, minlength: 3, maxlength: 40 } });
  const password = el('input', { attrs: { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 200 } });
  const submit = el('button', { attrs: { type: 'submit' } });
  const message = el('p', { className: 'login-error', testId: 'login-error', attrs: { role: 'alert' } });
  const languageButton = el('button', {
    attrs: { type: 'button' },
    className: 'link-button',
    on: { click: () => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en') },
  });
  const title = el('h1');
  const userLabel = el('span');
  const passwordLabel = el('span');
  let failure: unknown = null;

  const render = () => {
    title.textContent = t('consoleTitle');
    userLabel.textContent = t('username');
    passwordLabel.textContent = t('password');
    submit.textContent = submit.disabled ? t('signingIn') : t('signIn');
    languageButton.textContent = t('switchLanguage');
    message.textContent = failure === null ? '' : failureText(failure);
    document.title = t('consoleTitle');
  };

  const signIn = async (event: Event) => {
    event.preventDefault();
    submit.disabled = true;
    failure = null;
    render();
    try {
      const answer = await apiPost<AnswerOf<typeof loginRoute>>('/api/auth/login', { username: username.value, password: password.value });
      setCsrfToken(answer.csrfToken);
      stop();
      onSignedIn(answer.account);
      return;
    } catch (error) {
      failure = error;
      password.value = '';
    }
    submit.disabled = false;
    render();
  };

  const form = el(
    'form',
    {
      className: 'login-form',
      testId: 'login-form',
      on: { submit: (event) => void signIn(event) },
    },
    [title, el('label', {}, [userLabel, username]), el('label', {}, [passwordLabel, password]), submit, message, languageButton],
  );
  replaceChildren(root, [el('div', { className: 'login-screen' }, [form])]);
  const stop = onLanguageChange(render);
  render();
  username.focus();
  return stop;
}

function failureText(error: unknown): string {
  const text = describeError(error);
  if (error instanceof ApiError && error.code === 'account_locked' && typeof error.details.lockedUntil === 'string') {
    return `${text} ${t('lockedUntil', { time: formatTime(error.details.lockedUntil) })}`;
  }
  return text;
}
