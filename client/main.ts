/**
 * The console's entry: who am I (GET /api/auth/me) → the console, or the sign-in screen. A session that
 * ends (any 401) returns to the sign-in screen. The session cookie is httpOnly, so the page remembers only
 * that it signed in (localStorage `gridops.signedIn`, no secret) and asks /api/auth/me only then — an
 * anonymous visit shows the sign-in form without a failed request.
 */
import './console.css';
import { apiGet, onUnauthorised, setCsrfToken } from './api/api-client.js';
import type { Account } from './api/api-types.js';
import { mountConsole } from './app/console-app.js';
import { showLoginScreen } from './app/login-screen.js';
import { currentLanguage } from './i18n.js';

const root = document.getElementById('app')!;
document.documentElement.lang = currentLanguage();
document.documentElement.dataset.theme = localStorage.getItem('gridops.theme') === 'dark' ? 'dark' : 'light';
const SIGNED_IN_KEY = 'gridops.signedIn';
let signedIn = false;

function signIn(): void {
  signedIn = false;
  localStorage.removeItem(SIGNED_IN_KEY);
  showLoginScreen(root, (account) => void start(account));
}

async function start(account: Account): Promise<void> {
  signedIn = true;
  localStorage.setItem(SIGNED_IN_KEY, '1');
  await mountConsole(root, account, signIn);
}

onUnauthorised(() => {
  if (!signedIn) return;
  localStorage.removeItem(SIGNED_IN_KEY);
  window.location.reload();
});

if (localStorage.getItem(SIGNED_IN_KEY) === null) signIn();
else {
  apiGet<{ account: Account & { via: string }; csrfToken: string | null }>('/api/auth/me').then(
    (me) => {
      setCsrfToken(me.csrfToken);
      void start(me.account);
    },
    () => signIn(),
  );
}
