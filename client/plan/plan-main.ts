/** The planner's page entry (/plan.html): sign in like the console, then the workspace. */
import '../console.css';
import './plan.css';
import { apiGet, setCsrfToken } from '../api/api-client.js';
import type { Account } from '../api/api-types.js';
import { showLoginScreen } from '../app/login-screen.js';
import { currentLanguage } from '../i18n.js';
import { mountPlanWorkspace } from './plan-workspace.js';

const root = document.getElementById('app')!;
document.documentElement.lang = currentLanguage();
document.documentElement.dataset.theme = localStorage.getItem('gridops.theme') === 'dark' ? 'dark' : 'light';
const SIGNED_IN_KEY = 'gridops.signedIn';

function start(account: Account): void {
  localStorage.setItem(SIGNED_IN_KEY, '1');
  mountPlanWorkspace(root, account);
}
const signIn = () => showLoginScreen(root, start);

if (localStorage.getItem(SIGNED_IN_KEY) === null) signIn();
else {
  apiGet<{ account: Account; csrfToken: string | null }>('/api/auth/me').then(
    (me) => {
      setCsrfToken(me.csrfToken);
      start(me.account);
    },
    () => signIn(),
  );
}
