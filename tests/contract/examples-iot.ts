/**
 * Contract examples (tests/contract/contract-examples.ts) of the IoT network: device credentials, ingest
 * statistics, a sensor's detail and rules, and alarms raised through POST /api/alarms.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import { defineSql } from '../../server/db/database.js';
import type { issueCredentialRoute } from '../../server/iot/iot-contract.js';
import type { ContractExamples, ExampleContext } from './contract-examples.js';

const pickSensor = defineSql(
  'test.contract_sensor',
  `SELECT code FROM sensors WHERE micro_grid_code LIKE '320113007%' AND kind = 'gas' ORDER BY code LIMIT 1`,
);

/** A gas sensor of 仙林街道. */
async function xianlinSensor(ctx: ExampleContext): Promise<string> {
  const [sensor] = await ctx.db.query<{ code: string }>(pickSensor);
  return sensor.code;
}

export const IOT_EXAMPLES: ContractExamples = {
  'POST /api/iot/credentials': () => [
    {
      as: 'admin.xianlin',
      path: '/api/iot/credentials',
      body: { kind: 'gateway', username: 'contract.gateway', scopeCode: '320113007', label: '合同测试网关' },
    },
    { as: 'admin.xianlin', path: '/api/iot/credentials', body: { kind: 'gateway', username: 'X', scopeCode: '320113007' }, status: 400 },
    { as: 'admin.xianlin', path: '/api/iot/credentials', body: { kind: 'monitor', username: 'contract.monitor', scopeCode: '320102' }, status: 403 },
    {
      as: 'dispatcher.xianlin',
      path: '/api/iot/credentials',
      body: { kind: 'gateway', username: 'contract.other', scopeCode: '320113007' },
      status: 403,
    },
  ],
  'GET /api/iot/credentials': () => [{ as: 'admin.xianlin', path: '/api/iot/credentials' }],
  'POST /api/iot/credentials/:id/revoke': async (ctx) => {
    const issued = (await ctx.request('admin.xianlin', 'POST', '/api/iot/credentials', {
      kind: 'monitor',
      username: 'contract.revoked',
      scopeCode: '320113007',
    })) as AnswerOf<typeof issueCredentialRoute>;
    return [
      { as: 'admin.xianlin', path: `/api/iot/credentials/${issued.credential.id}/revoke`, body: {} },
      { as: 'admin.xianlin', path: `/api/iot/credentials/${issued.credential.id}/revoke`, body: {}, status: 404 },
      { as: 'admin.xianlin', path: '/api/iot/credentials/abc/revoke', body: {}, status: 400 },
    ];
  },
  'GET /api/iot/ingest-stats': () => [
    { as: 'admin.city', path: '/api/iot/ingest-stats' },
    { as: 'dispatcher.xianlin', path: '/api/iot/ingest-stats', status: 403 },
  ],
  'GET /api/iot/sensors/:code': async (ctx) => {
    const code = await xianlinSensor(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/iot/sensors/${code}` },
      { as: 'screen', path: `/api/iot/sensors/${code}` },
      { as: 'dispatcher.xianlin', path: '/api/iot/sensors/nope', status: 400 },
      { as: 'dispatcher.xuanwu', path: `/api/iot/sensors/${code}`, status: 404 },
    ];
  },
  'PUT /api/iot/sensors/:code/rules': async (ctx) => {
    const code = await xianlinSensor(ctx);
    return [
      { as: 'admin.xianlin', path: `/api/iot/sensors/${code}/rules`, body: { threshold: 30, consecutive: 3 } },
      { as: 'admin.xianlin', path: `/api/iot/sensors/${code}/rules`, body: { consecutive: 0 }, status: 400 },
      { as: 'dispatcher.xianlin', path: `/api/iot/sensors/${code}/rules`, body: { threshold: 30 }, status: 403 },
    ];
  },
  'DELETE /api/iot/sensors/:code/rules': async (ctx) => [{ as: 'admin.xianlin', path: `/api/iot/sensors/${await xianlinSensor(ctx)}/rules` }],
  'POST /api/alarms': async (ctx) => {
    const code = await xianlinSensor(ctx);
    const alarm = { source: 'iot', deviceCode: code, description: '合同测试：燃气浓度超限', reading: { value: 26, unit: '%LEL' } };
    return [
      { as: 'admin.xianlin', path: '/api/alarms', body: alarm },
      // The same device and category again within 30 minutes: attached to the open case.
      { as: 'admin.xianlin', path: '/api/alarms', body: alarm, status: 200 },
      { as: 'admin.xianlin', path: '/api/alarms', body: { ...alarm, deviceCode: 'GS99999999' }, status: 422 },
      { as: 'admin.xianlin', path: '/api/alarms', body: { ...alarm, reading: { value: 'x' } }, status: 400 },
      { as: 'dispatcher.xianlin', path: '/api/alarms', body: alarm, status: 403 },
    ];
  },
};
