/**
 * Contract examples (tests/contract/contract-examples.ts) of account and screen-token administration, a wall's
 * screen session and the audit log. Each generator makes what its examples need through the API first.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { createScreenTokenRoute, listAccountsRoute } from '../../server/auth/accounts-contract.js';
import type { ContractExamples, ExampleContext } from './contract-examples.js';

const XIANLIN = '320113007';

async function newScreenToken(ctx: ExampleContext, label: string): Promise<AnswerOf<typeof createScreenTokenRoute>> {
  return (await ctx.request('admin.xianlin', 'POST', '/api/screen-tokens', { label, jurisdictionCode: XIANLIN })) as AnswerOf<
    typeof createScreenTokenRoute
  >;
}

async function accountId(ctx: ExampleContext, username: string): Promise<number> {
  const { accounts } = (await ctx.request('admin.city', 'GET', '/api/accounts')) as AnswerOf<typeof listAccountsRoute>;
  const account = accounts.find((a) => a.username === username);
  if (!account) throw new Error(`no account ${username}`);
  return account.id;
}

export const ADMINISTRATION_EXAMPLES: ContractExamples = {
  'GET /api/accounts': () => [
    { as: 'admin.xianlin', path: '/api/accounts' },
    { as: 'dispatcher.xianlin', path: '/api/accounts', status: 403 },
  ],
  'POST /api/accounts': () => {
    const account = {
      username: 'contract.dispatcher',
      displayName: '合同测试调度员',
      password: 'a long enough password',
      role: 'dispatcher',
      jurisdictionCode: XIANLIN,
    };
    return [
      { as: 'admin.xianlin', path: '/api/accounts', body: account },
      { as: 'admin.xianlin', path: '/api/accounts', body: account, status: 409 },
      { as: 'admin.xianlin', path: '/api/accounts', body: { ...account, username: 'contract.outside', jurisdictionCode: '320102' }, status: 403 },
      { as: 'admin.xianlin', path: '/api/accounts', body: { ...account, username: 'contract.short', password: 'short' }, status: 400 },
    ];
  },
  'PATCH /api/accounts/:id': async (ctx) => [
    {
      as: 'admin.xianlin',
      path: `/api/accounts/${await accountId(ctx, 'contract.dispatcher')}`,
      body: { displayName: '合同测试调度员（改）', active: false },
    },
    { as: 'admin.xianlin', path: `/api/accounts/${await accountId(ctx, 'admin.xianlin')}`, body: { active: false }, status: 409 },
    { as: 'admin.xianlin', path: '/api/accounts/999999999', body: { active: false }, status: 404 },
    { as: 'admin.xianlin', path: '/api/accounts/x', body: { active: false }, status: 400 },
  ],
  'GET /api/screen-tokens': () => [{ as: 'admin.xianlin', path: '/api/screen-tokens' }],
  'POST /api/screen-tokens': () => [
    { as: 'admin.xianlin', path: '/api/screen-tokens', body: { label: '合同测试大屏', jurisdictionCode: XIANLIN } },
    { as: 'admin.xianlin', path: '/api/screen-tokens', body: { label: '', jurisdictionCode: XIANLIN }, status: 400 },
  ],
  'DELETE /api/screen-tokens/:id': async (ctx) => {
    const { id } = await newScreenToken(ctx, '合同测试：将撤销');
    return [
      { as: 'admin.xianlin', path: `/api/screen-tokens/${id}` },
      { as: 'admin.xianlin', path: `/api/screen-tokens/${id}`, status: 404 },
    ];
  },
  'POST /api/auth/screen-session': async (ctx) => {
    const { token } = await newScreenToken(ctx, '合同测试：大屏登录');
    return [
      { as: 'anonymous', path: '/api/auth/screen-session', body: { token } },
      { as: 'anonymous', path: '/api/auth/screen-session', body: { token: `gst_${'x'.repeat(30)}` }, status: 401 },
      { as: 'anonymous', path: '/api/auth/screen-session', body: { token: 'not-a-screen-token' }, status: 400 },
    ];
  },
  'GET /api/auth/screen-session': () => [
    { as: 'anonymous', path: '/api/auth/screen-session' },
    { as: 'screen', path: '/api/auth/screen-session' },
  ],
  'POST /api/auth/screen-session/end': () => [{ as: 'anonymous', path: '/api/auth/screen-session/end' }],

  'GET /api/audit': () => [
    { as: 'supervisor.xianlin', path: '/api/audit?limit=20' },
    { as: 'admin.city', path: '/api/audit?entityType=account&limit=5' },
    { as: 'supervisor.xianlin', path: '/api/audit?limit=0', status: 400 },
    { as: 'dispatcher.xianlin', path: '/api/audit', status: 403 },
  ],
  'GET /api/audit/verify': () => [
    { as: 'admin.city', path: '/api/audit/verify' },
    { as: 'supervisor.xianlin', path: '/api/audit/verify', status: 403 },
  ],
};
