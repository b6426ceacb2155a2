/**
 * Camera-position QA on the seeded Xianlin subset, on every database mode: a planted file (the generator's
 * own candidates and planting) comes back with the planted flags, a file all in undeclared GCJ-02 gets the
 * batch verdict, bad input is reported (per line, or a clear 4xx), and batches keep to jurisdictions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, withScope } from '../../db/database.js';
import { signIn } from '../../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../../tests/support/test-server.js';
import { readCandidatePools } from '../../../scripts/camera-import/camera-candidates.js';
import { camerasCsv, plantCameraRows, PLANTED_FLAGS, type PlantedRow } from '../../../scripts/camera-import/plant-camera-errors.js';
import { importToWgs84, wgs84ToImport } from './camera-import-crs.js';
import { importCameraBatch, readBatch } from './camera-import-service.js';

const lastAudit = defineSql(
  'test.camera_import_audit',
  `SELECT action, entity_type, entity_id, success FROM audit_log WHERE action = 'camera_import.create' ORDER BY id DESC LIMIT 1`,
);

/** $1 lons, $2 lats: the community of each point's micro-grid, in order. */
const communityOf = defineSql(
  'test.camera_import_community_of',
  `SELECT (SELECT community_code FROM units m WHERE m.level = 'micro_grid' AND m.valid_to IS NULL AND ST_Intersects(m.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) LIMIT 1) AS community
     FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i) ORDER BY p.i`,
);

/** $1 code: the live camera. */
const liveCamera = defineSql(
  'test.camera_import_live',
  `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, heading_deg, fov IS NOT NULL AND ST_Contains(fov, ST_Project(geom::geography, 10, radians(heading_deg))::geometry) AS sees_ahead, micro_grid_code, online
     FROM cameras WHERE code = $1`,
);

interface Flagged {
  line: number;
  flags: string[];
}

describe.each(testDatabaseModes())('camera import QA on %s', (mode) => {
  let server: TestServer;
  let admin: Record<string, string>;
  let rows: PlantedRow[];

  const post = async (path: string, body: string, type = 'text/csv', headers = admin) => {
    const res = await fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { ...headers, 'content-type': type }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const get = async (path: string, headers = admin) => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const allFlagged = async (id: number): Promise<Flagged[]> => {
    const out: Flagged[] = [];
    let after = 0;
    for (;;) {
      const page = await get(`/api/cameras/imports/${id}/flagged?limit=100&after=${after}`);
      const cameras = page.body.cameras as Flagged[];
      out.push(...cameras);
      if (page.body.nextAfter === null) return out;
      after = page.body.nextAfter as number;
    }
  };

  beforeAll(async () => {
    server = await startTestServer(mode);
    admin = await signIn(server.baseUrl, 'admin.city');
    const pools = await readCandidatePools(server.db, 300, 0.03, 5);
    rows = plantCameraRows(pools, { count: 300, rate: 0.03, seed: 5 });
  });
  afterAll(() => server.close());

  it('flags the planted errors of a generated file, per flag, and audits the import', async () => {
    const answer = await post('/api/cameras/imports?crs=wgs84&name=planted.csv', camerasCsv(rows));
    expect(answer.status).toBe(201);
    expect(answer.body.rowsStaged).toBe(300);
    expect(answer.body.rowsRefused).toBe(0);
    expect((answer.body.gcj02 as { likely: boolean }).likely).toBe(false);
    const flagged = new Map((await allFlagged(answer.body.id as number)).map((c) => [c.line, new Set(c.flags)]));
    for (const flag of PLANTED_FLAGS) {
      const planted = new Set(rows.flatMap((r, i) => (r.flags.includes(flag) ? [i + 2] : [])));
      const found = new Set([...flagged].filter(([, f]) => f.has(flag)).map(([line]) => line));
      const hits = [...found].filter((line) => planted.has(line)).length;
      if (process.env.DEBUG_QA)
        console.log(
          flag,
          [...found]
            .filter((l) => !planted.has(l))
            .map((l) => [l, rows[l - 2]?.flags, [...(flagged.get(l) ?? [])], rows[l - 2]?.lon, rows[l - 2]?.lat]),
        );
      expect(planted.size, flag).toBeGreaterThanOrEqual(9);
      // Small file: at most one miss (an offset point that lands on another road is indistinguishable) and
      // at most one false alarm per flag.
      expect(planted.size - hits, `${flag} missed`).toBeLessThanOrEqual(flag === 'likely_gcj02' ? 1 : 0);
      expect(found.size - hits, `${flag} false alarms`).toBeLessThanOrEqual(1);
    }
    expect([...flagged.values()].some((f) => f.has('outside_jurisdiction'))).toBe(false);
    const [audit] = await server.db.query<{ entity_id: string; success: boolean }>(lastAudit);
    expect(audit).toMatchObject({ entity_id: String(answer.body.id), success: true });
    const page = await get(`/api/cameras/imports/${String(answer.body.id)}/flagged?flag=heading_missing`);
    expect((page.body.cameras as Flagged[]).every((c) => c.flags.includes('heading_missing'))).toBe(true);
  });

  it('decides a whole batch given in GCJ-02 but declared WGS84, and a street admin sees only its jurisdiction', async () => {
    const clean = rows.filter((r) => r.flags.length === 0).slice(0, 60);
    const shifted = clean.map((r) => ({ ...r, ...wgs84ToImport(r.lon, r.lat, 'gcj02') }));
    const wrong = await post('/api/cameras/imports?crs=wgs84', camerasCsv(shifted));
    expect(wrong.status).toBe(201);
    const verdict = wrong.body.gcj02 as { likely: boolean; onRoadShareGiven: number; onRoadShareGcj02: number };
    expect(verdict.likely).toBe(true);
    expect(verdict.onRoadShareGcj02).toBeGreaterThan(0.95);
    expect((wrong.body.flagCounts as Record<string, number>).likely_gcj02).toBeGreaterThanOrEqual(50);
    // Declared correctly, the same file is clean.
    const right = await post('/api/cameras/imports?crs=gcj02', camerasCsv(shifted));
    expect(right.body.flagCounts).toEqual({});
    expect((right.body.gcj02 as { onRoadShareGcj02: number | null }).onRoadShareGcj02).toBeNull();

    const street = await signIn(server.baseUrl, 'admin.xianlin');
    const mine = await post('/api/cameras/imports?crs=wgs84', camerasCsv(clean), 'text/csv', street);
    expect(mine.status).toBe(201);
    expect((await get(`/api/cameras/imports/${String(wrong.body.id)}`, street)).status).toBe(404);
    expect((await get(`/api/cameras/imports/${String(mine.body.id)}`)).status).toBe(200);

    // An importer whose jurisdiction is one community: the others' cameras are outside_jurisdiction.
    const communities = await server.db.query<{ community: string }>(communityOf, [clean.map((r) => r.lon), clean.map((r) => r.lat)]);
    const community = communities[0]?.community ?? '';
    const scope = { jurisdiction: community, accountId: null, role: 'admin' } as const;
    const id = await withScope(server.db, scope, (tx) =>
      importCameraBatch(tx, {
        fileName: 'c.csv',
        format: 'csv',
        crs: 'wgs84',
        text: camerasCsv(clean),
        jurisdiction: community,
        accountId: null,
        now: new Date(),
        gatewayTemplate: null,
      }),
    );
    const summary = await withScope(server.db, scope, (tx) => readBatch(tx, id));
    const expected = communities.filter((c) => c.community !== community).length;
    expect(expected).toBeGreaterThan(0);
    expect(summary?.flagCounts.outside_jurisdiction ?? 0).toBe(expected);
  });

  it('reports malformed rows by line and refuses what it cannot read', async () => {
    const text = [
      'code,name,lon,lat,heading_deg,fov_deg,range_m,stream_url',
      `${rows[0]?.code},ok,${rows[0]?.lon},${rows[0]?.lat},10,60,80,`,
      'B1,"broken,118.9,32.1,10,60,80,',
      'B2,range,218.9,32.1,10,60,80,',
      'B3,stream,118.9,32.1,10,60,80,https://elsewhere.example/live/B3.m3u8',
    ].join('\n');
    const answer = await post('/api/cameras/imports?crs=wgs84', text);
    expect(answer.status).toBe(201);
    expect(answer.body.rowsStaged).toBe(1);
    expect((answer.body.rowErrors as { line: number }[]).map((e) => e.line)).toEqual([3, 4, 5]);
    expect((await post('/api/cameras/imports?crs=beijing54', text)).body.code).toBe('unknown_crs');
    expect((await post('/api/cameras/imports?crs=wgs84', 'a,b\n1,2')).body.code).toBe('invalid_file');
    expect((await post('/api/cameras/imports?crs=wgs84', '{"type":"Feature"}', 'application/geo+json')).body.code).toBe('invalid_file');
    expect((await post('/api/cameras/imports?crs=wgs84', text, 'text/plain')).status).toBe(415);
    // Over the 64 MB limit: refused from its length, nothing staged.
    const huge = await post('/api/cameras/imports?crs=wgs84', `${text}\n${'x'.repeat(65 * 1024 * 1024)}`);
    expect(huge).toMatchObject({ status: 413, body: { code: 'body_too_large' } });
    const geo = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [rows[0]?.lon, rows[0]?.lat] },
          properties: { code: 'G1', name: '点', heading_deg: 5 },
        },
        { type: 'Feature', geometry: null, properties: { code: 'G2', name: '无' } },
      ],
    };
    const geoAnswer = await post('/api/cameras/imports?crs=cgcs2000', JSON.stringify(geo), 'application/geo+json');
    expect(geoAnswer.status).toBe(201);
    expect(geoAnswer.body.rowsStaged).toBe(1);
    expect(geoAnswer.body.rowErrors).toEqual([{ line: 2, reason: 'not a Point feature with numeric coordinates' }]);
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    expect((await post('/api/cameras/imports?crs=wgs84', text, 'text/csv', dispatcher)).status).toBe(403);
    expect((await get('/api/cameras/imports/999999')).status).toBe(404);
  });

  it('reviews: accept, move, reject and bulk actions; accepted cameras join the live layer with a field of view', async () => {
    const text = camerasCsv(rows.map((r) => ({ ...r, code: `RV${r.code}` })));
    const batch = await post('/api/cameras/imports?crs=wgs84&name=review.csv', text);
    const id = batch.body.id as number;
    const json = { ...admin, 'content-type': 'application/json' };
    const act = async (path: string, body: unknown) => {
      const res = await fetch(`${server.baseUrl}/api/cameras/imports/${id}${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const lineOf = (flag: string) => rows.findIndex((r) => r.flags.length === 1 && r.flags[0] === flag) + 2;
    const cleanLine = rows.findIndex((r) => r.flags.length === 0) + 2;

    expect((await act(`/rows/${cleanLine}/accept`, {})).status).toBe(200);
    const [live] = await server.db.query<{ lon: number; sees_ahead: boolean; online: boolean; micro_grid_code: string }>(liveCamera, [
      `RV${rows[cleanLine - 2]?.code}`,
    ]);
    expect(live).toMatchObject({ sees_ahead: true, online: false });
    expect(live?.lon).toBeCloseTo(rows[cleanLine - 2]?.lon ?? 0, 6);
    expect((await act(`/rows/${cleanLine}/accept`, {})).body.code).toBe('already_reviewed');

    const headingLine = lineOf('heading_missing');
    expect((await act(`/rows/${headingLine}/accept`, {})).body.code).toBe('not_acceptable');
    expect((await act(`/rows/${headingLine}/accept`, { headingDeg: 90 })).status).toBe(200);

    // A camera far from any road moved onto a clean camera's road position, 3 m beside it.
    const farLine = lineOf('far_from_road');
    const target = rows[cleanLine - 2] as PlantedRow;
    const moved = await act(`/rows/${farLine}/move`, { lon: target.lon + 0.00003, lat: target.lat });
    expect(moved.status).toBe(200);
    const [movedLive] = await server.db.query<{ lon: number }>(liveCamera, [`RV${rows[farLine - 2]?.code}`]);
    expect(movedLive?.lon).toBeCloseTo(target.lon + 0.00003, 7);
    expect((await act(`/rows/${lineOf('in_water')}/move`, { lon: 116.9, lat: 30.5 })).body.code).toBe('not_acceptable');

    expect((await act(`/rows/${lineOf('in_water')}/reject`, {})).status).toBe(200);
    const outside = await act('/bulk', { action: 'accept', flag: 'outside_nanjing' });
    expect(outside.body.rows).toBe(0);
    const rejected = await act('/bulk', { action: 'reject', flag: 'outside_nanjing' });
    expect(rejected.body.rows).toBe(rows.filter((r) => r.flags.includes('outside_nanjing')).length);

    // Accepting the likely GCJ-02 cameras puts them at the GCJ-02 reading: back on their road (≤ 2 m jitter).
    const gcj = await act('/bulk', { action: 'accept', flag: 'likely_gcj02' });
    expect(gcj.body.rows).toBeGreaterThan(0);
    const gcjPage = await get(`/api/cameras/imports/${id}/flagged?flag=likely_gcj02`);
    const gcjAccepted = (gcjPage.body.cameras as { line: number; reviewState: string }[]).filter((c) => c.reviewState === 'accepted');
    expect(gcjAccepted).toHaveLength(gcj.body.rows as number);
    const gcjRow = rows[(gcjAccepted[0]?.line ?? 0) - 2] as PlantedRow;
    const [gcjLive] = await server.db.query<{ lon: number; lat: number }>(liveCamera, [`RV${gcjRow.code}`]);
    const back = importToWgs84(gcjRow.lon, gcjRow.lat, 'gcj02');
    expect(Math.abs((gcjLive?.lon ?? 0) - back.lon) * 94_000).toBeLessThan(0.1);
    expect(Math.abs((gcjLive?.lat ?? 0) - back.lat) * 110_900).toBeLessThan(0.1);
    expect(Math.abs((gcjLive?.lon ?? 0) - gcjRow.lon) * 94_000).toBeGreaterThan(300);
    const page = await get(`/api/cameras/imports/${id}/flagged?flag=outside_nanjing`);
    expect((page.body.cameras as { reviewState: string }[]).every((c) => c.reviewState === 'rejected')).toBe(true);
    const street = { ...(await signIn(server.baseUrl, 'dispatcher.xianlin')), 'content-type': 'application/json' };
    const refused = await fetch(`${server.baseUrl}/api/cameras/imports/${id}/bulk`, {
      method: 'POST',
      headers: street,
      body: JSON.stringify({ action: 'reject', flag: 'in_water' }),
    });
    expect(refused.status).toBe(403);
  });
});
