/** Administration of accounts and screen tokens, inside the administrator's own jurisdiction (contract: accounts-contract.ts). */
import { Router } from 'express';
import { auditedChange } from '../audit/record-audit.js';
import { DatabaseError, type Queryable } from '../db/database.js';
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
import {
  createAccountRoute,
  createScreenTokenRoute,
  listAccountsRoute,
  listScreenTokensRoute,
  revokeScreenTokenRoute,
  updateAccountRoute,
} from './accounts-contract.js';
import { contractAccess } from './route-access.js';
import { hashPassword, hashToken, newToken } from './secrets.js';

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

  router.get(listAccountsRoute.path, contractAccess(listAccountsRoute), async (req, res) => {
    res.json({ accounts: await scopedDb(req).query(listAccounts) });
  });

  router.post(createAccountRoute.path, contractAccess(createAccountRoute), async (req, res) => {
    const input = validateRequestPart(createAccountRoute.body, req.body, 'invalid_account');
    const passwordHash = await hashPassword(input.password);
    const account = await auditedChange(req, { action: 'account.create', entityType: 'account' }, async (tx) => {
      await checkJurisdiction(tx, authOf(req).jurisdiction, input.jurisdictionCode);
      const [row] = await tx
        .query<Record<string, unknown>>(insertAccount, [
          input.username,
          input.displayName,
          passwordHash,
          input.role,
          input.jurisdictionCode,
          input.workerCode,
        ])
        .catch((error: unknown) => {
          if (error instanceof DatabaseError && error.sqlState === '23505')
            throw new AppError(409, 'username_taken', `The username ${input.username} is taken`);
          if (error instanceof DatabaseError && error.sqlState === '23503')
            throw new AppError(400, 'unknown_worker', `No worker has the code ${input.workerCode}`);
          throw error;
        });
      return { entityId: String(row.id), jurisdictionCode: input.jurisdictionCode, after: row, result: row };
    });
    res.status(201).json(account);
  });

  router.patch(updateAccountRoute.path, contractAccess(updateAccountRoute), async (req, res) => {
    const { id } = validateRequestPart(updateAccountRoute.params, req.params, 'invalid_account_id');
    const input = validateRequestPart(updateAccountRoute.body, req.body, 'invalid_account');
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

  router.get(listScreenTokensRoute.path, contractAccess(listScreenTokensRoute), async (req, res) => {
    res.json({ screenTokens: await scopedDb(req).query(listScreenTokens) });
  });

  router.post(createScreenTokenRoute.path, contractAccess(createScreenTokenRoute), async (req, res) => {
    const input = validateRequestPart(createScreenTokenRoute.body, req.body, 'invalid_screen_token');
    const token = newToken('gst');
    const row = await auditedChange(req, { action: 'screen_token.create', entityType: 'screen_token' }, async (tx) => {
      await checkJurisdiction(tx, authOf(req).jurisdiction, input.jurisdictionCode);
      const [created] = await tx.query<Record<string, unknown>>(insertScreenToken, [
        hashToken(token),
        input.label,
        input.jurisdictionCode,
        authOf(req).accountId,
      ]);
      return { entityId: String(created.id), jurisdictionCode: input.jurisdictionCode, after: created, result: created };
    });
    // The token itself is shown once, here, and stored only as its hash.
    res.status(201).json({ ...row, token });
  });

  router.delete(revokeScreenTokenRoute.path, contractAccess(revokeScreenTokenRoute), async (req, res) => {
    const { id } = validateRequestPart(revokeScreenTokenRoute.params, req.params, 'invalid_screen_token_id');
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
