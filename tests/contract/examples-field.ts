/**
 * Contract examples (tests/contract/contract-examples.ts) of the field app's API, patrol reports and photos,
 * a case's publicity and the drawn-area summary. The field examples share worker.xianlin's state: the route
 * and arrival examples book the worker on a case (example-cases.ts `bookedCase`).
 */
import { JPEG } from '../support/test-images.js';
import { bookedCase, newCase, workerPlace } from './example-cases.js';
import type { ContractExamples } from './contract-examples.js';
import { defineSql } from '../../server/db/database.js';

const newestPhoto = defineSql('test.contract_newest_photo', `SELECT incident_id, id FROM incident_photos ORDER BY id DESC LIMIT 1`);
const photo = { bytes: JPEG, type: 'image/jpeg', name: 'scene.jpg' };

/** A square of about 200 m around a point, as GeoJSON. */
function squareAround(lon: number, lat: number) {
  const d = 0.001;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
      ],
    ],
  };
}

export const FIELD_EXAMPLES: ContractExamples = {
  'POST /api/patrol-reports': async (ctx) => {
    const { lon, lat } = await workerPlace(ctx);
    const fields = { category: 'city_management', description: '合同测试：巡查发现井盖破损', lon: String(lon), lat: String(lat) };
    return [
      { as: 'worker.xianlin', path: '/api/patrol-reports', form: { ...fields, photo } },
      { as: 'worker.xianlin', path: '/api/patrol-reports', form: fields, status: 400 },
      { as: 'dispatcher.xianlin', path: '/api/patrol-reports', form: { ...fields, photo }, status: 403 },
    ];
  },
  'POST /api/incidents/:id/photos': async (ctx) => {
    const id = await newCase(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/photos`, form: { note: '现场照片', photo } },
      { as: 'dispatcher.xuanwu', path: `/api/incidents/${id}/photos`, form: { photo }, status: 404 },
    ];
  },
  'GET /api/incidents/:id/photos/:photoId': async (ctx) => {
    const [{ incident_id: incidentId, id }] = await ctx.db.query<{ incident_id: number; id: number }>(newestPhoto);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${incidentId}/photos/${id}` },
      { as: 'dispatcher.xuanwu', path: `/api/incidents/${incidentId}/photos/${id}`, status: 404 },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${incidentId}/photos/x`, status: 400 },
    ];
  },
  'POST /api/incidents/:id/publicity': async (ctx) => {
    const id = await newCase(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/publicity`, body: { public: true } },
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/publicity`, body: { public: 'yes' }, status: 400 },
      { as: 'dispatcher.xuanwu', path: `/api/incidents/${id}/publicity`, body: { public: false }, status: 404 },
    ];
  },

  'GET /api/field/me': () => [
    { as: 'worker.xianlin', path: '/api/field/me' },
    { as: 'dispatcher.xianlin', path: '/api/field/me', status: 403 },
  ],
  'GET /api/field/history': () => [
    { as: 'worker.xianlin', path: '/api/field/history?limit=5' },
    { as: 'worker.xianlin', path: '/api/field/history?limit=0', status: 400 },
  ],
  'POST /api/field/position': async (ctx) => {
    const { lon, lat } = await workerPlace(ctx);
    await ctx.request('worker.xianlin', 'POST', '/api/field/duty', { onDuty: true });
    return [
      { as: 'worker.xianlin', path: '/api/field/position', body: { lon, lat, accuracy: 12 } },
      { as: 'worker.xianlin', path: '/api/field/position', body: { lon: 'x', lat }, status: 400 },
    ];
  },
  'POST /api/field/duty': () => [
    { as: 'worker.xianlin', path: '/api/field/duty', body: { onDuty: true } },
    { as: 'worker.xianlin', path: '/api/field/duty', body: { onDuty: 'yes' }, status: 400 },
  ],
  'GET /api/field/route': async (ctx) => {
    await bookedCase(ctx);
    const { lon, lat } = await workerPlace(ctx);
    return [
      { as: 'worker.xianlin', path: `/api/field/route?lon=${lon + 0.004}&lat=${lat}` },
      { as: 'worker.xianlin', path: `/api/field/route?lon=${lon}`, status: 400 },
    ];
  },
  'POST /api/field/cases/:id/arrive': async (ctx) => {
    const id = await bookedCase(ctx);
    const { lon, lat } = await workerPlace(ctx);
    return [
      { as: 'worker.xianlin', path: `/api/field/cases/${id}/arrive`, body: { lon: lon + 0.05, lat }, status: 422 },
      { as: 'worker.xianlin', path: `/api/field/cases/${id}/arrive`, body: { lon, lat, accuracy: 8 } },
      { as: 'worker.xianlin', path: `/api/field/cases/${id}/arrive`, body: { lon, lat }, status: 409 },
    ];
  },

  'POST /api/spatial/summary': ({ microGrid: m }) => [
    { as: 'dispatcher.xianlin', path: '/api/spatial/summary', body: { geometry: squareAround(m.lon, m.lat) } },
    { as: 'dispatcher.xianlin', path: '/api/spatial/summary', body: { geometry: { type: 'Point', coordinates: [m.lon, m.lat] } }, status: 400 },
    { as: 'screen', path: '/api/spatial/summary', body: { geometry: squareAround(m.lon, m.lat) }, status: 403 },
  ],
};
