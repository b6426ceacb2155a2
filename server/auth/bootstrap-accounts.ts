/**
 * Accounts that exist before anyone can create one: the first administrator (password from ADMIN_PASSWORD
 * or printed once), and — only outside production, created by the seed — the development accounts
 * documented in the README.
 */
import type { Database } from '../db/database.js';
import { appendAudit } from '../audit/record-audit.js';
import { countAdministrators, insertBootstrapAccount, insertBootstrapScreenToken, pickXianlinWorker } from './bootstrap-accounts.sql.js';
import { hashPassword, hashToken, newPassword } from './secrets.js';

export const DEVELOPMENT_PASSWORD = 'gridops-dev-2026';
/** A fixed screen token for development video walls (仙林街道); never created in production. */
export const DEVELOPMENT_SCREEN_TOKEN = 'gst_development-screen-token-xianlin';

const systemActor = { actorAccountId: null, actorUsername: 'system', actorRole: null, clientAddress: null } as const;

/** Create the first administrator when there is none. Returns the printed password, if one was generated. */
export async function ensureAdministrator(
  db: Database,
  configuredPassword: string | undefined,
): Promise<{ created: boolean; generatedPassword?: string }> {
  const [{ n }] = await db.query<{ n: number }>(countAdministrators);
  if (n > 0) return { created: false };
  const password = configuredPassword ?? newPassword();
  const [row] = await db.query<{ id: number }>(insertBootstrapAccount, [
    'admin',
    '系统管理员',
    await hashPassword(password),
    'admin',
    null,
    null,
    false,
  ]);
  await appendAudit(db, {
    ...systemActor,
    action: 'account.create',
    entityType: 'account',
    entityId: String(row?.id ?? ''),
    jurisdictionCode: null,
    after: { username: 'admin', role: 'admin', jurisdiction: 'city' },
    success: true,
  });
  return { created: true, generatedPassword: configuredPassword ? undefined : password };
}

const DEVELOPMENT_ACCOUNTS = [
  { username: 'admin.city', displayName: '市管理员（开发）', role: 'admin', jurisdiction: null },
  { username: 'admin.xianlin', displayName: '仙林街道管理员', role: 'admin', jurisdiction: '320113007' },
  { username: 'dispatcher.city', displayName: '市指挥中心调度员', role: 'dispatcher', jurisdiction: null },
  { username: 'dispatcher.qixia', displayName: '栖霞区指挥中心调度员', role: 'dispatcher', jurisdiction: '320113' },
  { username: 'dispatcher.xianlin', displayName: '仙林街道调度员', role: 'dispatcher', jurisdiction: '320113007' },
  { username: 'supervisor.xianlin', displayName: '仙林街道督办员', role: 'supervisor', jurisdiction: '320113007' },
  { username: 'planner.city', displayName: '市网格规划员', role: 'planner', jurisdiction: null },
  { username: 'dispatcher.xuanwu', displayName: '玄武区指挥中心调度员', role: 'dispatcher', jurisdiction: '320102' },
] as const;

/** The development accounts (README) and screen token; idempotent. */
export async function createDevelopmentAccounts(db: Database): Promise<string[]> {
  const passwordHash = await hashPassword(DEVELOPMENT_PASSWORD);
  const created: string[] = [];
  const add = async (username: string, displayName: string, role: string, jurisdiction: string | null, workerCode: string | null) => {
    const [row] = await db.query<{ id: number }>(insertBootstrapAccount, [username, displayName, passwordHash, role, jurisdiction, workerCode, true]);
    if (!row) return;
    created.push(username);
    await appendAudit(db, {
      ...systemActor,
      action: 'account.create',
      entityType: 'account',
      entityId: String(row.id),
      jurisdictionCode: jurisdiction,
      after: { username, role, jurisdiction: jurisdiction ?? 'city', development: true },
      success: true,
    });
  };
  for (const a of DEVELOPMENT_ACCOUNTS) await add(a.username, a.displayName, a.role, a.jurisdiction, null);
  const [worker] = await db.query<{ code: string; grid_code: string }>(pickXianlinWorker);
  if (worker) await add('worker.xianlin', '仙林网格员', 'field_worker', worker.grid_code, worker.code);
  const [token] = await db.query<{ id: number }>(insertBootstrapScreenToken, [
    hashToken(DEVELOPMENT_SCREEN_TOKEN),
    '仙林街道大屏（开发）',
    '320113007',
  ]);
  if (token)
    await appendAudit(db, {
      ...systemActor,
      action: 'screen_token.create',
      entityType: 'screen_token',
      entityId: String(token.id),
      jurisdictionCode: '320113007',
      after: { label: '仙林街道大屏（开发）', development: true },
      success: true,
    });
  return created;
}
