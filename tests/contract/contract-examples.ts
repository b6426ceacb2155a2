/**
 * Real requests for every route of the contract (server/contract/api-routes.ts), on the seeded Xianlin subset:
 * tests/contract/api-contract.spec.ts sends them and checks each answer against its route's schema. A route in
 * the contract without an example here fails the test, so no declared answer goes unchecked.
 */
import { DEVELOPMENT_PASSWORD } from '../../server/auth/bootstrap-accounts.js';
import type { AnswerOf } from '../../server/contract/api-route.js';
import { defineSql, type Database } from '../../server/db/database.js';
import type { summonRoute } from '../../server/incidents/summonses-contract.js';
import { ADMINISTRATION_EXAMPLES } from './examples-administration.js';
import { CAMERAS_EXAMPLES } from './examples-cameras.js';
import { newCase } from './example-cases.js';
import { FIELD_EXAMPLES } from './examples-field.js';
import { IOT_EXAMPLES } from './examples-iot.js';
import { PLANS_EXAMPLES } from './examples-plans.js';

export interface ContractExample {
  /** A development account (tests/support/test-auth.ts), 'screen' for a read-only screen token, 'anonymous' for none. */
  as: string;
  path: string;
  body?: unknown;
  /** A body that is not JSON (a CSV file, a GeoPackage), sent with its media type. */
  rawBody?: { type: string; data: string | Uint8Array };
  /** A multipart/form-data body: text fields and files. */
  form?: Record<string, string | { bytes: Uint8Array; type: string; name: string } | undefined>;
  /** The status expected when it is not the route's success status (an error answer is checked as one). */
  status?: number;
}

export interface ExampleContext {
  db: Database;
  /** A new session of an account (so that signing it out leaves the examples' own sessions alone): its `as` name. */
  freshSession(username: string): Promise<string>;
  /**
   * Send a request as an account (to make what an example needs, e.g. a new case); the parsed JSON answer. The
   * body is sent as JSON, or as it is with `contentType` (a CSV file).
   */
  request(as: string, method: string, path: string, body?: unknown, contentType?: string): Promise<unknown>;
  /** A micro-grid of 仙林街道 and its label point. */
  microGrid: { code: string; lon: number; lat: number; street_code: string; community_code: string };
  /** A closed case of 仙林街道 from the seeded history. */
  closedIncidentId: number;
}

const pickMicroGrid = defineSql(
  'test.contract_micro_grid',
  `SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat, street_code, community_code
     FROM units WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);

const pickIncident = defineSql(
  'test.contract_incident',
  `SELECT id FROM incidents WHERE street_code = '320113007' AND state = 'closed' ORDER BY id LIMIT 1`,
);

export async function exampleContext(
  db: Database,
  request: ExampleContext['request'],
  freshSession: ExampleContext['freshSession'],
): Promise<ExampleContext> {
  const [microGrid] = await db.query<ExampleContext['microGrid']>(pickMicroGrid);
  const [incident] = await db.query<{ id: number }>(pickIncident);
  return { db, request, freshSession, microGrid, closedIncidentId: Number(incident.id) };
}

type Examples = (ctx: ExampleContext) => ContractExample[] | Promise<ContractExample[]>;
/** Examples keyed by "METHOD /path" as the contract declares it. */
export type ContractExamples = Record<string, Examples>;

/** The last complete calendar month before now, YYYY-MM (the seeded history covers the past year). */
function lastCompleteMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
}

/** Keyed by "METHOD /path" as the contract declares it; modules with many routes keep theirs in examples-<module>.ts. */
export const CONTRACT_EXAMPLES: ContractExamples = {
  ...ADMINISTRATION_EXAMPLES,
  ...CAMERAS_EXAMPLES,
  ...IOT_EXAMPLES,
  ...PLANS_EXAMPLES,
  'GET /api/openapi.json': () => [{ as: 'anonymous', path: '/api/openapi.json' }],
  ...FIELD_EXAMPLES,
  'GET /api/health': () => [{ as: 'anonymous', path: '/api/health' }],
  'GET /api/health/live': () => [{ as: 'anonymous', path: '/api/health/live' }],
  'GET /api/health/ready': () => [{ as: 'anonymous', path: '/api/health/ready' }],
  'POST /api/auth/login': () => [
    { as: 'anonymous', path: '/api/auth/login', body: { username: 'dispatcher.xianlin', password: DEVELOPMENT_PASSWORD } },
    { as: 'anonymous', path: '/api/auth/login', body: { username: 'dispatcher.xianlin', password: 'wrong password' }, status: 401 },
    { as: 'anonymous', path: '/api/auth/login', body: { username: 'x' }, status: 400 },
  ],
  'POST /api/auth/logout': async (ctx) => [{ as: await ctx.freshSession('supervisor.xianlin'), path: '/api/auth/logout', body: {} }],
  'GET /api/auth/me': () => [
    { as: 'worker.xianlin', path: '/api/auth/me' },
    { as: 'screen', path: '/api/auth/me' },
    { as: 'anonymous', path: '/api/auth/me', status: 401 },
  ],

  'GET /api/locate': ({ microGrid: m }) => [
    { as: 'dispatcher.xianlin', path: `/api/locate?lon=${m.lon}&lat=${m.lat}` },
    { as: 'dispatcher.city', path: `/api/locate?lon=${m.lon}&lat=${m.lat}&crs=wgs84` },
    { as: 'dispatcher.xianlin', path: '/api/locate?lon=200&lat=32', status: 400 },
    { as: 'dispatcher.xuanwu', path: `/api/locate?lon=${m.lon}&lat=${m.lat}`, status: 404 },
  ],
  'GET /api/units/search': () => [
    { as: 'dispatcher.city', path: `/api/units/search?q=${encodeURIComponent('仙林')}` },
    // A street's dispatcher sees the district above it by name only.
    { as: 'dispatcher.xianlin', path: '/api/units/search?q=320113&limit=5' },
  ],
  'GET /api/units/:code': ({ microGrid: m }) => [
    { as: 'dispatcher.xianlin', path: `/api/units/${m.code}?geometry=true` },
    { as: 'dispatcher.xianlin', path: `/api/units/${m.street_code}` },
    { as: 'dispatcher.xianlin', path: '/api/units/320113' },
    { as: 'dispatcher.xianlin', path: '/api/units/x1', status: 400 },
  ],
  'GET /api/units/:code/children': ({ microGrid: m }) => [{ as: 'planner.city', path: `/api/units/${m.community_code}/children` }],
  'GET /api/units/:code/ancestors': ({ microGrid: m }) => [{ as: 'dispatcher.xianlin', path: `/api/units/${m.code}/ancestors` }],

  'GET /api/whats-here': ({ microGrid: m }) => [
    { as: 'dispatcher.xianlin', path: `/api/whats-here?lon=${m.lon}&lat=${m.lat}` },
    { as: 'screen', path: `/api/whats-here?lon=${m.lon}&lat=${m.lat}` },
    { as: 'dispatcher.xianlin', path: '/api/whats-here?lon=abc&lat=32', status: 400 },
  ],

  'GET /api/incident-categories': () => [{ as: 'screen', path: '/api/incident-categories' }],
  'POST /api/incidents': ({ microGrid: m }) => [
    {
      as: 'dispatcher.xianlin',
      path: '/api/incidents',
      body: {
        category: 'city_management',
        description: '合同测试：路灯不亮',
        lon: m.lon,
        lat: m.lat,
        reporter: { name: '张先生', phone: '13800000000' },
      },
    },
    {
      as: 'dispatcher.xianlin',
      path: '/api/incidents',
      body: { category: 'city_management', description: 'x', lon: m.lon, lat: m.lat },
      status: 400,
    },
    {
      as: 'dispatcher.xianlin',
      path: '/api/incidents',
      body: { category: 'no_such_category', description: '合同测试', lon: m.lon, lat: m.lat },
      status: 400,
    },
  ],
  'GET /api/incidents': ({ microGrid: m }) => [
    { as: 'dispatcher.xianlin', path: '/api/incidents?state=all&limit=50' },
    { as: 'screen', path: `/api/incidents?unit=${m.street_code}` },
    { as: 'dispatcher.xianlin', path: '/api/incidents?limit=9999', status: 400 },
  ],
  'GET /api/incidents/:id': (ctx) => [
    { as: 'dispatcher.xianlin', path: `/api/incidents/${ctx.closedIncidentId}` },
    // A screen sees no reporter's name or phone: reports is null.
    { as: 'screen', path: `/api/incidents/${ctx.closedIncidentId}` },
    { as: 'dispatcher.xuanwu', path: `/api/incidents/${ctx.closedIncidentId}`, status: 404 },
  ],
  'GET /api/incidents/:id/recommendations': async (ctx) => [
    { as: 'dispatcher.xianlin', path: `/api/incidents/${await newCase(ctx)}/recommendations?limit=3` },
  ],
  'POST /api/incidents/:id/events': async (ctx) => {
    const id = await newCase(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/events`, body: { type: 'accept' } },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/events`, body: { type: 'accept' }, status: 409 },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/events`, body: { type: 'teleport' }, status: 400 },
    ];
  },
  'POST /api/incidents/:id/merge': async (ctx) => {
    const into = await newCase(ctx);
    const duplicate = await newCase(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${duplicate}/merge`, body: { into } },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${into}/merge`, body: { into }, status: 400 },
    ];
  },

  'GET /api/stats/summary': () => [
    { as: 'dispatcher.city', path: `/api/stats/summary?unit=city&period=month&date=${lastCompleteMonth()}-15` },
    { as: 'screen', path: '/api/stats/summary?unit=320113007&period=day' },
    { as: 'dispatcher.xianlin', path: '/api/stats/summary?unit=320113007&period=range&from=2026-02-30&to=2026-03-01', status: 400 },
    { as: 'dispatcher.xianlin', path: '/api/stats/summary?unit=320102', status: 403 },
  ],
  'GET /api/stats/now': () => [{ as: 'screen', path: '/api/stats/now?unit=320113007' }],
  'GET /api/stats/recent': () => [
    { as: 'screen', path: '/api/stats/recent' },
    { as: 'dispatcher.city', path: '/api/stats/recent?unit=320113007&hours=48' },
    { as: 'dispatcher.xianlin', path: '/api/stats/recent?hours=0', status: 400 },
  ],
  'GET /api/stats/ranking': () => [
    { as: 'supervisor.xianlin', path: `/api/stats/ranking?unit=320113007&period=month&date=${lastCompleteMonth()}-01&metric=closureRate&order=asc` },
  ],
  'GET /api/stats/series': () => [
    { as: 'screen', path: '/api/stats/series?unit=320113007&granularity=hour&compare=week' },
    { as: 'planner.city', path: `/api/stats/series?unit=city&period=month&date=${lastCompleteMonth()}-01&granularity=day&compare=year` },
  ],
  'GET /api/stats/cases': () => [
    { as: 'dispatcher.xianlin', path: `/api/stats/cases?unit=320113007&period=month&date=${lastCompleteMonth()}-01&metric=grade.red&limit=20` },
    { as: 'dispatcher.xianlin', path: '/api/stats/cases?unit=320113007&metric=no_such_metric', status: 400 },
  ],
  'GET /api/stats/safety-index': () => [{ as: 'dispatcher.city', path: `/api/stats/safety-index?unit=320113007&month=${lastCompleteMonth()}` }],
  'GET /api/stats/scorecards': () => [{ as: 'screen', path: '/api/stats/scorecards?unit=320113007' }],
  'POST /api/stats/publish': () => [
    { as: 'admin.city', path: '/api/stats/publish', body: { kind: 'scorecard', month: lastCompleteMonth() } },
    { as: 'admin.city', path: '/api/stats/publish', body: { kind: 'scorecard', month: lastCompleteMonth() }, status: 409 },
    { as: 'admin.xianlin', path: '/api/stats/publish', body: { kind: 'scorecard', month: lastCompleteMonth() }, status: 403 },
  ],

  'GET /api/departments': () => [{ as: 'supervisor.xianlin', path: '/api/departments' }],
  'POST /api/incidents/:id/summons': async (ctx) => {
    const id = await newCase(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/summons`, body: { departmentCode: 'urban_management', note: '请城管到场处置' } },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/summons`, body: { departmentCode: 'urban_management', note: '再次吹哨' }, status: 409 },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/summons`, body: { departmentCode: 'no_such_department', note: '吹哨' }, status: 400 },
    ];
  },
  'POST /api/incidents/:id/summons/:summonsId/report': async (ctx) => {
    const id = await newCase(ctx);
    const { summons } = (await ctx.request('dispatcher.xianlin', 'POST', `/api/incidents/${id}/summons`, {
      departmentCode: 'urban_management',
      note: '请城管到场处置',
    })) as AnswerOf<typeof summonRoute>;
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/summons/${summons.id}/report`, body: { note: '城管已到场处置完毕' } },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/summons/${summons.id}/report`, body: { note: '再报一次' }, status: 409 },
    ];
  },
  'POST /api/incidents/:id/escalate': async (ctx) => {
    const id = await newCase(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/escalate`, body: { reason: '社区无力处置' } },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${ctx.closedIncidentId}/escalate`, body: { reason: '已结案' }, status: 409 },
    ];
  },
};
