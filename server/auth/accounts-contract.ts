/**
 * Administration of accounts and screen tokens inside the administrator's own jurisdiction, and a video
 * wall's exchange of its screen token for a session (server/contract/api-route.ts). No Node-only imports:
 * the client type-imports it.
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../contract/api-route.js';
import { ROLES } from '../contract/incident-vocabulary.js';

const unitCodeOrCity = z
  .string()
  .regex(/^\d{6,18}$/, 'a unit code is 6 to 18 digits')
  .nullable();
const accountRole = z.enum(['admin', 'planner', 'dispatcher', 'supervisor', 'field_worker']);
const password = z.string().min(12, 'at least 12 characters').max(200);
const idParams = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,9}$/, 'an id is a whole number')
    .transform(Number),
});

/** An account as an administrator sees it (never its password hash). */
export const adminAccountSchema = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  display_name: z.string(),
  role: accountRole,
  /** Null: the whole city. */
  jurisdiction_code: z.string().nullable(),
  worker_code: z.string().nullable(),
  active: z.boolean(),
  failed_attempts: z.number().int(),
  locked_until: timestampSchema.nullable(),
  /** A development account (seeded with the shared development password). */
  development: z.boolean(),
  created_at: timestampSchema,
});

/** A screen token as listed (never the token itself, which is shown once when created). */
export const screenTokenSchema = z.strictObject({
  id: z.number().int(),
  label: z.string(),
  jurisdiction_code: z.string().nullable(),
  created_by: z.number().int().nullable(),
  created_at: timestampSchema,
  revoked_at: timestampSchema.nullable(),
});

const ADMIN = ['admin'] as const;

export const listAccountsRoute = apiRoute({
  method: 'get',
  path: '/api/accounts',
  summary: 'The accounts inside the administrator’s jurisdiction',
  tag: 'administration',
  access: ADMIN,
  answer: z.strictObject({ accounts: z.array(adminAccountSchema) }),
});

export const createAccountRoute = apiRoute({
  method: 'post',
  path: '/api/accounts',
  summary: 'Create an account inside the administrator’s jurisdiction (audited)',
  tag: 'administration',
  access: ADMIN,
  body: z.strictObject({
    username: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, '3–40 lower-case letters, digits, dot, dash or underscore'),
    displayName: z.string().trim().min(1).max(60),
    password,
    role: accountRole,
    jurisdictionCode: unitCodeOrCity,
    workerCode: z
      .string()
      .regex(/^W\d{18,22}$/)
      .nullable()
      .default(null),
  }),
  status: 201,
  answer: adminAccountSchema,
  errors: { 400: ['invalid_account', 'unknown_unit', 'unknown_worker'], 403: ['outside_jurisdiction'], 409: ['username_taken'] },
});

export const updateAccountRoute = apiRoute({
  method: 'patch',
  path: '/api/accounts/:id',
  summary: 'Change an account’s name, role, jurisdiction, password or whether it is active (audited)',
  tag: 'administration',
  access: ADMIN,
  params: idParams,
  body: z
    .strictObject({
      displayName: z.string().trim().min(1).max(60).optional(),
      role: accountRole.optional(),
      jurisdictionCode: unitCodeOrCity.optional(),
      active: z.boolean().optional(),
      password: password.optional(),
    })
    .refine((v) => Object.keys(v).length > 0, 'nothing to change'),
  answer: adminAccountSchema,
  errors: {
    400: ['invalid_account', 'invalid_account_id', 'unknown_unit'],
    403: ['outside_jurisdiction'],
    404: ['account_not_found'],
    409: ['cannot_demote_self'],
  },
});

export const listScreenTokensRoute = apiRoute({
  method: 'get',
  path: '/api/screen-tokens',
  summary: 'The screen tokens (video walls) inside the administrator’s jurisdiction',
  tag: 'administration',
  access: ADMIN,
  answer: z.strictObject({ screenTokens: z.array(screenTokenSchema) }),
});

export const createScreenTokenRoute = apiRoute({
  method: 'post',
  path: '/api/screen-tokens',
  summary: 'Issue a read-only screen token for a video wall; the token is shown once, here (audited)',
  tag: 'administration',
  access: ADMIN,
  body: z.strictObject({ label: z.string().trim().min(1).max(60), jurisdictionCode: unitCodeOrCity }),
  status: 201,
  answer: screenTokenSchema.extend({ token: z.string() }),
  errors: { 400: ['invalid_screen_token', 'unknown_unit'], 403: ['outside_jurisdiction'] },
});

export const revokeScreenTokenRoute = apiRoute({
  method: 'delete',
  path: '/api/screen-tokens/:id',
  summary: 'Revoke a screen token: its walls are signed out at their next request (audited)',
  tag: 'administration',
  access: ADMIN,
  params: idParams,
  answer: screenTokenSchema,
  errors: { 400: ['invalid_screen_token_id'], 404: ['screen_token_not_found'] },
});

export const screenSessionExchangeRoute = apiRoute({
  method: 'post',
  path: '/api/auth/screen-session',
  summary: 'A video wall exchanges its screen token for an httpOnly session cookie (audited, rate-limited)',
  tag: 'auth',
  access: 'public',
  body: z.strictObject({ token: z.string().regex(/^gst_[A-Za-z0-9_-]{20,100}$/, 'must be a screen token (gst_…)') }),
  answer: z.strictObject({ screen: z.strictObject({ label: z.string(), jurisdiction: z.string(), expiresAt: timestampSchema }) }),
  errors: { 400: ['invalid_screen_token'], 401: ['invalid_token'], 429: ['too_many_login_attempts'] },
});

export const screenSessionRoute = apiRoute({
  method: 'get',
  path: '/api/auth/screen-session',
  summary: 'Who the page is signed in as, or null (200 either way: a wall not signed in yet shows its form)',
  tag: 'auth',
  access: 'public',
  answer: z.strictObject({
    account: z
      .strictObject({ role: z.enum(ROLES), jurisdiction: z.string(), displayName: z.string(), via: z.enum(['session', 'screen_token']) })
      .nullable(),
  }),
});

export const endScreenSessionRoute = apiRoute({
  method: 'post',
  path: '/api/auth/screen-session/end',
  summary: 'A wall signs out: the session cookie is cleared',
  tag: 'auth',
  access: 'public',
  status: 204,
});

export const ACCOUNTS_ROUTES = [
  listAccountsRoute,
  createAccountRoute,
  updateAccountRoute,
  listScreenTokensRoute,
  createScreenTokenRoute,
  revokeScreenTokenRoute,
  screenSessionExchangeRoute,
  screenSessionRoute,
  endScreenSessionRoute,
];
