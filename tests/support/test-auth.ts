/**
 * Credentials for tests: sign in as one of the development accounts the seed creates (README), or mint
 * a screen token directly in the database.
 *
 *   const headers = await signIn(server.baseUrl, 'dispatcher.xianlin');
 *   await fetch(`${server.baseUrl}/api/locate?…`, { headers });
 */
import { DEVELOPMENT_PASSWORD } from '../../server/auth/bootstrap-accounts.js';
import { hashToken, newToken } from '../../server/auth/secrets.js';
import { defineSql, type Database } from '../../server/db/database.js';

const insertToken = defineSql('test.insert_screen_token', `INSERT INTO screen_tokens (token_hash, label, jurisdiction_code) VALUES ($1, $2, $3)`);

/** A screen token (read-only) for a jurisdiction (null = the whole city), as an Authorization header. */
export async function screenTokenHeaders(db: Database, jurisdiction: string | null = null): Promise<Record<string, string>> {
  const token = newToken('gst');
  await db.query(insertToken, [hashToken(token), `test ${jurisdiction ?? 'city'}`, jurisdiction]);
  return { authorization: `Bearer ${token}` };
}

/** Headers of a signed-in session (cookie and CSRF token) for a development account. */
export async function signIn(baseUrl: string, username: string, password = DEVELOPMENT_PASSWORD): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${username} failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, 'x-csrf-token': body.csrfToken };
}
