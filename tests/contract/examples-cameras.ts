/**
 * Contract examples (tests/contract/contract-examples.ts) of the video module: covering cameras, a camera's live
 * video (the demo clips in data/video-demo; no gateway in tests) and the camera-position review of an import.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import { defineSql } from '../../server/db/database.js';
import type { importCamerasRoute } from '../../server/video/import/camera-imports-contract.js';
import type { cameraStreamRoute } from '../../server/video/cameras-contract.js';
import { newCase } from './example-cases.js';
import type { ContractExamples, ExampleContext } from './contract-examples.js';

const onlineCamera = defineSql(
  'test.contract_online_camera',
  `SELECT code FROM cameras WHERE online AND stream_url IS NULL AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1`,
);

/** A small import: a camera at the micro-grid's label point, one in Shanghai (outside_nanjing), a malformed line. */
function importFile(ctx: ExampleContext, prefix: string): string {
  const { lon, lat } = ctx.microGrid;
  return [
    'code,name,lon,lat,heading_deg,fov_deg,range_m,stream_url',
    `${prefix}1,合同测试摄像机一,${lon.toFixed(7)},${lat.toFixed(7)},90,60,80,`,
    `${prefix}2,合同测试摄像机二,121.4737000,31.2304000,180,60,80,`,
    `${prefix}3,合同测试摄像机三,not a number,32.1,0,60,80,`,
    '',
  ].join('\n');
}

async function newBatch(ctx: ExampleContext, prefix: string): Promise<number> {
  const batch = (await ctx.request(
    'admin.xianlin',
    'POST',
    '/api/cameras/imports?crs=wgs84&name=contract.csv',
    importFile(ctx, prefix),
    'text/csv',
  )) as AnswerOf<typeof importCamerasRoute>;
  return batch.id;
}

async function liveCamera(ctx: ExampleContext): Promise<string> {
  const [camera] = await ctx.db.query<{ code: string }>(onlineCamera);
  return camera.code;
}

export const CAMERAS_EXAMPLES: ContractExamples = {
  'GET /api/cameras/covering': ({ microGrid: m }) => [
    { as: 'dispatcher.xianlin', path: `/api/cameras/covering?lon=${m.lon}&lat=${m.lat}&limit=8` },
    { as: 'screen', path: `/api/cameras/covering?lon=${m.lon}&lat=${m.lat}` },
    { as: 'dispatcher.xianlin', path: `/api/cameras/covering?lon=${m.lon}&lat=${m.lat}&limit=99`, status: 400 },
  ],
  'GET /api/incidents/:id/cameras': async (ctx) => {
    const id = await newCase(ctx);
    return [
      { as: 'dispatcher.xianlin', path: `/api/incidents/${id}/cameras` },
      { as: 'dispatcher.xuanwu', path: `/api/incidents/${id}/cameras`, status: 404 },
    ];
  },
  'GET /api/cameras/:code/stream': async (ctx) => [
    { as: 'dispatcher.xianlin', path: `/api/cameras/${await liveCamera(ctx)}/stream` },
    { as: 'dispatcher.xuanwu', path: `/api/cameras/${await liveCamera(ctx)}/stream`, status: 404 },
    { as: 'dispatcher.xianlin', path: '/api/cameras/bad%20code/stream', status: 400 },
  ],
  'GET /api/cameras/:code/live/index.m3u8': async (ctx) => {
    const stream = (await ctx.request('screen', 'GET', `/api/cameras/${await liveCamera(ctx)}/stream`)) as AnswerOf<typeof cameraStreamRoute>;
    return [
      { as: 'screen', path: stream.playlistUrl },
      { as: 'screen', path: `/api/cameras/${stream.code}/live/index.m3u8?origin=x`, status: 400 },
    ];
  },
  'GET /api/cameras/:code/live/seg/:sequence.ts': async (ctx) => {
    const code = await liveCamera(ctx);
    const stream = (await ctx.request('screen', 'GET', `/api/cameras/${code}/stream`)) as AnswerOf<typeof cameraStreamRoute>;
    const origin = Number(new URL(stream.playlistUrl, 'http://x').searchParams.get('origin'));
    return [
      // The session's first segment: the live window's start when the stream was asked for, a moment ago.
      { as: 'screen', path: `/api/cameras/${code}/live/seg/${origin}.ts` },
      { as: 'screen', path: `/api/cameras/${code}/live/seg/1.ts`, status: 404 },
    ];
  },
  'GET /api/cameras/:code/live/gw': async (ctx) => [
    // No gateway is configured in tests: the demo streams have no gateway path.
    { as: 'screen', path: `/api/cameras/${await liveCamera(ctx)}/live/gw?p=index.m3u8`, status: 404 },
  ],

  'POST /api/cameras/imports': (ctx) => [
    { as: 'admin.xianlin', path: '/api/cameras/imports?crs=wgs84&name=contract.csv', rawBody: { type: 'text/csv', data: importFile(ctx, 'CTA') } },
    { as: 'admin.xianlin', path: '/api/cameras/imports?crs=utm50n', rawBody: { type: 'text/csv', data: importFile(ctx, 'CTB') }, status: 400 },
    { as: 'admin.xianlin', path: '/api/cameras/imports?crs=wgs84', rawBody: { type: 'text/plain', data: importFile(ctx, 'CTC') }, status: 415 },
    { as: 'admin.xianlin', path: '/api/cameras/imports?crs=wgs84', rawBody: { type: 'text/csv', data: 'no,header\n1,2\n' }, status: 422 },
  ],
  'GET /api/cameras/imports/:id': async (ctx) => [
    { as: 'admin.xianlin', path: `/api/cameras/imports/${await newBatch(ctx, 'CTD')}` },
    { as: 'admin.xianlin', path: '/api/cameras/imports/999999999', status: 404 },
  ],
  'GET /api/cameras/imports/:id/flagged': async (ctx) => {
    const id = await newBatch(ctx, 'CTE');
    return [
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/flagged` },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/flagged?flag=outside_nanjing&state=pending&limit=10` },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/flagged?flag=no_such_flag`, status: 400 },
    ];
  },
  'POST /api/cameras/imports/:id/rows/:line/accept': async (ctx) => {
    const id = await newBatch(ctx, 'CTF');
    return [
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/2/accept`, body: {} },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/2/accept`, body: {}, status: 409 },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/3/accept`, body: {}, status: 422 },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/99/accept`, body: {}, status: 404 },
    ];
  },
  'POST /api/cameras/imports/:id/rows/:line/move': async (ctx) => {
    const id = await newBatch(ctx, 'CTG');
    const { lon, lat } = ctx.microGrid;
    return [
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/3/move`, body: { lon: lon + 0.0002, lat, headingDeg: 45 } },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/2/move`, body: { lon: 'x', lat }, status: 400 },
    ];
  },
  'GET /api/cameras/imports/:id/rows/:line/snap': async (ctx) => {
    const id = await newBatch(ctx, 'CTH');
    const { lon, lat } = ctx.microGrid;
    return [
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/2/snap?lon=${lon}&lat=${lat}` },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/2/snap?lon=121.4737&lat=31.2304`, status: 422 },
    ];
  },
  'POST /api/cameras/imports/:id/rows/:line/reject': async (ctx) => {
    const id = await newBatch(ctx, 'CTI');
    return [
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/3/reject`, body: {} },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/rows/3/reject`, body: {}, status: 409 },
    ];
  },
  'POST /api/cameras/imports/:id/bulk': async (ctx) => {
    const id = await newBatch(ctx, 'CTJ');
    return [
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/bulk`, body: { action: 'reject', flag: 'outside_nanjing' } },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/bulk`, body: { action: 'accept', lines: [2] } },
      { as: 'admin.xianlin', path: `/api/cameras/imports/${id}/bulk`, body: { action: 'explode', lines: [2] }, status: 400 },
    ];
  },
};
