/**
 * Sign-in, sign-out and "who am I" (server/contract/api-route.ts). No Node-only imports: the client
 * type-imports it.
 */
import { z } from 'zod';
import { apiRoute } from '../contract/api-route.js';
import { ROLES } from '../contract/incident-vocabulary.js';

/** The signed-in account (or screen token) as the console knows it. */
export const accountSchema = z.strictObject({
  /** Null for a screen token. */
  id: z.number().int().nullable(),
  username: z.string().nullable(),
  displayName: z.string(),
  role: z.enum(ROLES),
  /** A unit code or 'city'. */
  jurisdiction: z.string(),
});

export const loginRoute = apiRoute({
  method: 'post',
  path: '/api/auth/login',
  summary: 'Sign in: sets the session cookie and returns the CSRF token for state-changing requests',
  tag: 'auth',
  access: 'public',
  body: z.strictObject({ username: z.string().trim().toLowerCase().min(3).max(40), password: z.string().min(1).max(200) }),
  answer: z.strictObject({ account: accountSchema, csrfToken: z.string() }),
  errors: { 400: ['invalid_login'], 401: ['invalid_credentials'], 423: ['account_locked'], 429: ['too_many_login_attempts'] },
});

export const logoutRoute = apiRoute({
  method: 'post',
  path: '/api/auth/logout',
  summary: 'Sign out: ends the session',
  tag: 'auth',
  access: ROLES.filter((r) => r !== 'screen'),
  status: 204,
});

export const meRoute = apiRoute({
  method: 'get',
  path: '/api/auth/me',
  summary: 'Who is signed in (account or screen token), with the session’s CSRF token',
  tag: 'auth',
  access: ROLES,
  answer: z.strictObject({ account: accountSchema.extend({ via: z.enum(['session', 'screen_token']) }), csrfToken: z.string().nullable() }),
});

export const AUTH_ROUTES = [loginRoute, logoutRoute, meRoute];
