/** Administration of accounts and screen tokens, inside the administrator's own jurisdiction. */
import { Router } from 'express';
import { z } from 'zod';
import { auditedChange } from '../audit/record-audit.js';
import type { Queryable } from '../db/database.js';
import { AppError, notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import {
  insertAccount,
  insertScreenToken,
  listAccounts,
  listScreenTokens,
  readAccount,
  revokeScreenToken,
  unitVisible,
  updateAccount,
} from './accounts.sql.js';
import { forgetCachedCredentials } from './authenticate.js';
import { authOf, scopedDb } from './request-context.js';
import { access } from './route-access.js';
import { hashPassword, hashToken, newToken } from './secrets.js';

const UnitCodeOrCity = z.string().regex(/^\d{6,18}$/, 'a unit code is 6 to 18 digits').nullable();
const AccountRole = z.enum(['admin', 'planner', 'dispatcher', 'supervisor', 'field_worker']);
const Password = z.string().min(12, 'at least 12 characters').max(200);

const NewAccount = z
  .object({
    username: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, '3–40 lower-case letters, digits, dot, dash or underscore'),
    displayName: z.string().trim().min(1).max(60),
    password: Password,
    role: AccountRole,
    jurisdictionCode: UnitCodeOrCity,
    workerCode: z.string().regex(/^W\d{18,22}$/).nullable().default(null),
  })
  .strict();

const AccountChange = z
  .object({
    displayName: z.string().trim().min(1).max(60).optional(),
    role: AccountRole.optional(),
    jurisdictionCode: UnitCodeOrCity.optional(),
    active: z.boolean().optional(),
    password: Password.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

const NewScreenToken = z.object({ label: z.string().trim().min(1).max(60), jurisdictionCode: UnitCodeOrCity }).strict();
const Id = z.string().regex(/^\d{1,9}$/, 'an id is a whole number').transform(Number);

/** A jurisdiction given to someone else must lie inside the administrator's own. */
async function checkJurisdiction(tx: Queryable, own: string, code: string | null): Promise<void> {
  if (code === null) {
    if (own !== 'city') throw new AppError(403, 'outside_jurisdiction', 'Only a city administrator can grant the whole city');
    return;
  }
  if (own !== 'city' && !code.startsWith(own)) throw new AppError(403, 'outside_jurisdiction', `The unit ${code} is outside your jurisdiction`);
  const [unit] = await tx.query(unitVisible, [code]);
  if (!unit) throw new AppError(400, 'unknown_unit', `No unit has the code ${code}`);
}

export function accountsRouter(): Router {
  const router = Router();

  router.get('/api/accounts', access('admin'), async (req, res) => {
    res.json({ accounts: await scopedDb(req).query(listAccounts) });
  });

  router.post('/api/accounts', access('admin'), async (req, res) => {
    const input = validateRequestPart(NewAccount, req.body, 'invalid_account');
    const passwordHash = await hashPassword(input.password);
    const account = await auditedChange(req, { action: 'account.create', entityType: 'account' }, async (tx) => {
      await checkJurisdiction(tx, authOf(req).jurisdiction, input.jurisdictionCode);
      const [row] = await tx.query<Record<string, unknown>>(insertAccount, [
        input.username,
        input.displayName,
        passwordHash,
        input.role,
        input.jurisdictionCode,
        input.workerCode,
      ]);
      return { entityId: String(row.id), jurisdictionCode: input.jurisdictionCode, after: row, result: row };
    });
    res.status(201).json(account);
  });

  router.patch('/api/accounts/:id', access('admin'), async (req, res) => {
    const id = validateRequestPart(Id, req.params.id, 'invalid_account_id');
    const input = validateRequestPart(AccountChange, req.body, 'invalid_account');
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const account = await auditedChange(req, { action: 'account.update', entityType: 'account', entityId: String(id) }, async (tx) => {
      const [before] = await tx.query<Record<string, unknown>>(readAccount, [id]);
      if (!before) throw notFound('account_not_found', `No account ${id} in your jurisdiction`);
      if (input.jurisdictionCode !== undefined) await checkJurisdiction(tx, authOf(req).jurisdiction, input.jurisdictionCode);
      if (id === authOf(req).accountId && (input.active === false || (input.role && input.role !== 'admin'))) {
        throw new AppError(409, 'cannot_demote_self', 'An administrator cannot disable or demote their own account');
      }
      const [after] = await tx.query<Record<string, unknown>>(updateAccount, [
        id,
        input.displayName ?? null,
        input.role ?? null,
        input.jurisdictionCode === undefined ? '' : input.jurisdictionCode,
        input.active ?? null,
        passwordHash,
      ]);
      return {
        entityId: String(id),
        jurisdictionCode: (after.jurisdiction_code as string | null) ?? null,
        before,
        after: { ...after, passwordChanged: passwordHash !== null },
        result: after,
      };
    });
    forgetCachedCredentials(req);
    res.json(account);
  });

  router.get('/api/screen-tokens', access('admin'), async (req, res) => {
    res.json({ screenTokens: await scopedDb(req).query(listScreenTokens) });
  });

  router.post('/api/screen-tokens', access('admin'), async (req, res) => {
    const input = validateRequestPart(NewScreenToken, req.body, 'invalid_screen_token');
    const token = newToken('gst');
    const row = await auditedChange(req, { action: 'screen_token.create', entityType: 'screen_token' }, async (tx) => {
      await checkJurisdiction(tx, authOf(req).jurisdiction, input.jurisdictionCode);
      const [created] = await tx.query<Record<string, unknown>>(insertScreenToken, [hashToken(token), input.label, input.jurisdictionCode, authOf(req).accountId]);
      return { entityId: String(created.id), jurisdictionCode: input.jurisdictionCode, after: created, result: created };
    });
    // The token itself is shown once, here, and stored only as its hash.
    res.status(201).json({ ...row, token });
  });

  router.delete('/api/screen-tokens/:id', access('admin'), async (req, res) => {
    const id = validateRequestPart(Id, req.params.id, 'invalid_screen_token_id');
    const row = await auditedChange(req, { action: 'screen_token.revoke', entityType: 'screen_token', entityId: String(id) }, async (tx) => {
      const [revoked] = await tx.query<Record<string, unknown>>(revokeScreenToken, [id]);
      if (!revoked) throw notFound('screen_token_not_found', `No active screen token ${id} in your jurisdiction`);
      return { entityId: String(id), jurisdictionCode: (revoked.jurisdiction_code as string | null) ?? null, after: revoked, result: revoked };
    });
    forgetCachedCredentials(req);
    res.json(row);
  });

  return router;
}
