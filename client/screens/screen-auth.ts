/**
 * Who is looking at a screen: a signed-in person (the console's session) or a video wall. A wall without a
 * session shows a token form; the token goes once, in a POST body, to /api/auth/screen-session, which answers
 * with the httpOnly cookie (server/auth/screen-session.ts). The token is never put in the address, the page or
 * storage: the form's field is emptied before the answer is awaited and the form is removed afterwards.
 */
import { apiGet, apiPost, ApiError } from '../api/api-client.js';
import { el } from '../app/dom.js';
import { t } from '../i18n.js';

export interface ScreenAccount {
  role: string;
  jurisdiction: string;
  displayName: string;
}

async function whoAmI(): Promise<ScreenAccount | null> {
  // Not /api/auth/me: its 401 before sign-in would be a failed request in the wall's console.
  const answer = await apiGet<{ account: ScreenAccount | null }>('/api/auth/screen-session');
  return answer.account;
}

/** Resolves with the account once signed in (at once when a session or screen cookie is already there). */
export async function ensureScreenAccount(root: HTMLElement): Promise<ScreenAccount> {
  const known = await whoAmI();
  if (known) return known;
  return new Promise((resolve) => {
    const input = el('input', { attrs: { type: 'password', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false' } });
    const error = el('p', { className: 'screen-signin-error', attrs: { role: 'alert' } });
    const form = el(
      'form',
      {
        className: 'screen-signin',
        testId: 'screen-signin',
        attrs: { method: 'post', action: '#' },
        on: {
          submit: (event) => {
            event.preventDefault();
            const token = input.value.trim();
            input.value = '';
            error.textContent = '';
            apiPost('/api/auth/screen-session', { token })
              .then(whoAmI)
              .then((account) => {
                if (!account) throw new ApiError(401, 'invalid_token', 'not signed in');
                form.remove();
                resolve(account);
              })
              .catch(() => {
                error.textContent = t('screen.signIn.failed');
              });
          },
        },
      },
      [
        el('h1', {}, [t('screen.signIn.title')]),
        el('label', {}, [t('screen.signIn.token'), input]),
        el('button', { attrs: { type: 'submit' } }, [t('screen.signIn.submit')]),
        el('p', { className: 'screen-signin-hint' }, [t('screen.signIn.hint')]),
        el('p', { className: 'screen-signin-hint' }, [t('screen.signIn.person')]),
        error,
      ],
    );
    root.append(form);
    input.focus();
  });
}
