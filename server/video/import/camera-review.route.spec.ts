/**
 * The review on the map (issue 21, item 4) on the seeded Xianlin subset, on every database mode: snap to road
 * (the nearest road point within SNAP_MAX_M, checked against the roads in SQL), a move that snaps on the server,
 * reject / accept of selected lines, the queue's filters and pending counts, and who may do it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../../db/database.js';
import { signIn } from '../../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../../tests/support/test-server.js';
import { readCandidatePools } from '../../../scripts/camera-import/camera-candidates.js';
import { camerasCsv, offsetMetres, plantCameraRows, type PlantedRow } from '../../../scripts/camera-import/plant-camera-errors.js';
import { SNAP_MAX_M } from './camera-review.route.js';

/** $1 lon, $2 lat: metres to the nearest road (within 100 m, else 100). */
const roadDistance = defineSql('test.camera_review_road_distance', `SELECT gridops_road_distance(ST_SetSRID(ST_MakePoint($1, $2), 4326), 100) AS m`);
/** $1 code: the live camera's position. */
const liveCamera = defineSql('test.camera_review_live', `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM cameras WHERE code = $1`);
/** $1 entity id: the newest audit record of a move. */
const moveAudit = defineSql(
  'test.camera_review_move_audit',
  `SELECT success, after FROM audit_log WHERE action = 'camera_import.move' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
);

type Answer = { status: number; body: Record<string, unknown> };

describe.each(testDatabaseModes())('camera review on the map on %s', (mode) => {
  let server: TestServer;
  let admin: Record<string, string>;
  let rows: PlantedRow[];
  let id: number;

  const get = async (path: string, headers = admin): Promise<Answer> => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const post = async (path: string, body: unknown, headers = admin): Promise<Answer> => {
    const res = await fetch(`${server.baseUrl}/api/cameras/imports/${id}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const lineOf = (flag: string, nth = 0) =>
    rows.map((r, i) => (r.flags.length === 1 && r.flags[0] === flag ? i + 2 : 0)).filter(Boolean)[nth] as number;
  const roadMetres = async (p: { lon: number; lat: number }) => Number((await server.db.query<{ m: number }>(roadDistance, [p.lon, p.lat]))[0]?.m);

  beforeAll(async () => {
    server = await startTestServer(mode);
    admin = await signIn(server.baseUrl, 'admin.city');
    const pools = await readCandidatePools(server.db, 200, 0.03, 11);
    rows = plantCameraRows(pools, { count: 200, rate: 0.03, seed: 11 }).map((r) => ({ ...r, code: `SN${r.code}` }));
    const res = await fetch(`${server.baseUrl}/api/cameras/imports?crs=wgs84&name=snap.csv`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'text/csv' },
      body: camerasCsv(rows),
    });
    expect(res.status).toBe(201);
    id = ((await res.json()) as { id: number }).id;
  });
  afterAll(() => server.close());

  it('snaps a point to the nearest road within the limit, and refuses where no road is near', async () => {
    const clean = rows[rows.findIndex((r) => r.flags.length === 0)] as PlantedRow;
    const farLine = lineOf('far_from_road');
    // 20 m off a clean camera's road position: the snapped point lies on a road, nearer than the dropped one.
    const dropped = offsetMetres(clean.lon, clean.lat, 20, 45);
    const snap = await get(`/api/cameras/imports/${id}/rows/${farLine}/snap?lon=${dropped.lon}&lat=${dropped.lat}`);
    expect(snap.status).toBe(200);
    const snapped = snap.body.snapped as { lon: number; lat: number };
    expect(await roadMetres(snapped)).toBeLessThan(0.05);
    const metres = snap.body.distanceM as number;
    expect(metres).toBeCloseTo(await roadMetres(dropped), 1);
    expect(metres).toBeLessThanOrEqual(22);
    expect(snap.body.maxM).toBe(SNAP_MAX_M);
    // The far camera as given: no road within 50 m (≥ 80 m planted).
    const far = rows[farLine - 2] as PlantedRow;
    expect((await get(`/api/cameras/imports/${id}/rows/${farLine}/snap?lon=${far.lon}&lat=${far.lat}`)).body.code).toBe('no_road_nearby');
    expect((await get(`/api/cameras/imports/${id}/rows/${farLine}/snap?lon=abc&lat=32`)).body.code).toBe('invalid_query');
    expect((await get(`/api/cameras/imports/${id}/rows/999999/snap?lon=118.9&lat=32.1`)).body.code).toBe('import_row_not_found');
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    expect((await get(`/api/cameras/imports/${id}/rows/${farLine}/snap?lon=${far.lon}&lat=${far.lat}`, dispatcher)).status).toBe(403);
    // Another jurisdiction's administrator does not see a city batch.
    const street = await signIn(server.baseUrl, 'admin.xianlin');
    expect((await get(`/api/cameras/imports/${id}/rows/${farLine}/snap?lon=${dropped.lon}&lat=${dropped.lat}`, street)).status).toBe(404);
  });

  it('moves a camera with snap to road: the server snaps again, the live camera lies on the road, audited', async () => {
    const clean = rows[rows.findIndex((r) => r.flags.length === 0)] as PlantedRow;
    const line = lineOf('far_from_road', 1);
    const far = rows[line - 2] as PlantedRow;
    expect((await post(`/rows/${line}/move`, { lon: far.lon, lat: far.lat, snapToRoad: true })).body.code).toBe('no_road_nearby');
    const dropped = offsetMetres(clean.lon, clean.lat, 15, 300);
    const moved = await post(`/rows/${line}/move`, { ...dropped, snapToRoad: true });
    expect(moved.status).toBe(200);
    const [live] = await server.db.query<{ lon: number; lat: number }>(liveCamera, [far.code]);
    expect(live).toBeDefined();
    expect(await roadMetres({ lon: Number(live?.lon), lat: Number(live?.lat) })).toBeLessThan(0.05);
    expect((moved.body.wgs84 as { lon: number }).lon).toBeCloseTo(Number(live?.lon), 9);
    const [audit] = await server.db.query<{ success: boolean; after: { snappedToRoad: boolean } }>(moveAudit, [`${id}:${line}`]);
    expect(audit).toMatchObject({ success: true, after: { snappedToRoad: true } });
    const page = await get(`/api/cameras/imports/${id}/flagged?state=accepted&flag=far_from_road`);
    const cameras = page.body.cameras as { line: number; moved: { lon: number } | null; cameraCode: string }[];
    expect(cameras.map((c) => c.line)).toEqual([line]);
    expect(cameras[0]?.moved?.lon).toBeCloseTo(Number(live?.lon), 9);
    expect(cameras[0]?.cameraCode).toBe(far.code);
  });

  it('rejects and accepts selected lines, keeps the pending counts per flag, refuses a malformed bulk', async () => {
    const before = (await get(`/api/cameras/imports/${id}`)).body;
    const pending = before.pendingFlagCounts as Record<string, number>;
    const water = [lineOf('in_water', 0), lineOf('in_water', 1)];
    const rejected = await post('/bulk', { action: 'reject', lines: water });
    expect(rejected.body).toMatchObject({ action: 'reject', rows: 2, lines: [...water].sort((a, b) => a - b) });
    // Already reviewed lines are left alone.
    expect((await post('/bulk', { action: 'reject', lines: water })).body.rows).toBe(0);
    const heading = lineOf('heading_missing');
    const cleanDuplicate = lineOf('duplicate_nearby');
    // A camera without heading cannot join the live layer: only the other selected line is accepted.
    const accepted = await post('/bulk', { action: 'accept', lines: [heading, cleanDuplicate] });
    expect(accepted.body.lines).toEqual([cleanDuplicate]);
    const after = (await get(`/api/cameras/imports/${id}`)).body;
    const pendingAfter = after.pendingFlagCounts as Record<string, number>;
    expect(pendingAfter.in_water).toBe((pending.in_water ?? 0) - 2);
    expect(pendingAfter.heading_missing).toBe(pending.heading_missing);
    expect((after.flagCounts as Record<string, number>).in_water).toBe((before.flagCounts as Record<string, number>).in_water);
    expect((after.flaggedByState as Record<string, number>).rejected).toBeGreaterThanOrEqual(2);
    const rejectedPage = await get(`/api/cameras/imports/${id}/flagged?state=rejected&flag=in_water`);
    expect((rejectedPage.body.cameras as { line: number }[]).map((c) => c.line)).toEqual(expect.arrayContaining(water));
    expect((await post('/bulk', { action: 'reject', lines: [] })).body.code).toBe('invalid_review');
    expect((await post('/bulk', { action: 'reject', flag: 'in_water', lines: [2] })).body.code).toBe('invalid_review');
    expect((await get(`/api/cameras/imports/${id}/flagged?state=gone`)).body.code).toBe('invalid_query');
  });
});
