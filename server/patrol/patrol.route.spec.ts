/**
 * Patrol reports with a photo and photo attachments through the API on the seeded Xianlin subset, on every
 * database mode: the photo's type by its bytes, the size limit, the file on disk and its record, access under
 * the incident's jurisdiction, and no file left behind when the transaction fails.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { createDomainEvents, type DomainEvent } from '../events/domain-events.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { pathMatchesRoute, type Answer } from '../../tests/support/api-answer.js';
import type { ApiRoute } from '../contract/api-route.js';
import { attachPhotoRoute, patrolReportRoute } from './patrol-contract.js';
import { JPEG, PNG, GIF } from '../../tests/support/test-images.js';

const MAX_BYTES = 64 * 1024;

const workerPlaces = defineSql(
  'test.patrol_places',
  `SELECT w.code AS worker_code, ST_X(w.last_position) AS worker_lon, ST_Y(w.last_position) AS worker_lat, w.home_unit_code,
          (SELECT ST_X(m.label_point) FROM units m WHERE m.level = 'micro_grid' AND m.grid_code = a.jurisdiction_code ORDER BY m.code DESC LIMIT 1) AS lon,
          (SELECT ST_Y(m.label_point) FROM units m WHERE m.level = 'micro_grid' AND m.grid_code = a.jurisdiction_code ORDER BY m.code DESC LIMIT 1) AS lat,
          (SELECT ST_X(m.label_point) FROM units m WHERE m.level = 'micro_grid' AND m.street_code = '320113007' AND m.grid_code <> a.jurisdiction_code ORDER BY m.code LIMIT 1) AS other_lon,
          (SELECT ST_Y(m.label_point) FROM units m WHERE m.level = 'micro_grid' AND m.street_code = '320113007' AND m.grid_code <> a.jurisdiction_code ORDER BY m.code LIMIT 1) AS other_lat
     FROM accounts a JOIN workers w ON w.code = a.worker_code WHERE a.username = 'worker.xianlin'`,
);
const photoRow = defineSql(
  'test.patrol_photo_row',
  `SELECT storage_path, mime_type, size_bytes, sha256, worker_code, purpose FROM incident_photos WHERE id = $1`,
);
const photoAudit = defineSql(
  'test.patrol_photo_audit',
  `SELECT action, success, after FROM audit_log WHERE entity_type = 'incident' AND entity_id = $1 ORDER BY id`,
);

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe.each(testDatabaseModes())('patrol reports and photos on %s', (mode) => {
  let server: TestServer;
  let uploadDir: string;
  const events = createDomainEvents();
  const heard: DomainEvent[] = [];
  let place: {
    worker_code: string;
    worker_lon: number;
    worker_lat: number;
    home_unit_code: string;
    lon: number;
    lat: number;
    other_lon: number;
    other_lat: number;
  };
  let worker: Record<string, string>;
  let dispatcher: Record<string, string>;
  let xuanwu: Record<string, string>;

  const upload = async <R extends ApiRoute>(
    route: R,
    url: string,
    headers: Record<string, string>,
    fields: Record<string, string>,
    photo?: { bytes: Buffer; type: string; name: string },
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (photo) form.append('photo', new Blob([new Uint8Array(photo.bytes)], { type: photo.type }), photo.name);
    if (!pathMatchesRoute(route, url)) throw new Error(`${url} is not a path of ${route.path}`);
    const res = await fetch(`${server.baseUrl}${url}`, { method: 'POST', headers, body: form });
    return { status: res.status, body: (await res.json().catch(() => null)) as Answer<R> };
  };
  const patrol = (fields: Record<string, string>, photo = { bytes: JPEG, type: 'image/jpeg', name: 'scene.jpg' }, who = worker) =>
    upload(patrolReportRoute, '/api/patrol-reports', who, { category: 'city_management', description: '巡查发现：井盖破损', ...fields }, photo);

  beforeAll(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-uploads-'));
    events.subscribe((e) => heard.push(e));
    server = await startTestServer(mode, { events, env: { UPLOAD_DIR: uploadDir, PHOTO_MAX_BYTES: String(MAX_BYTES) } });
    [place] = await server.db.query(workerPlaces);
    worker = await signIn(server.baseUrl, 'worker.xianlin');
    dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it("takes a patrol report with a JPEG at the worker's last position, stores the file and serves it back", async () => {
    heard.length = 0;
    const res = await patrol({});
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.incident).toMatchObject({ state: 'reported', grade: 'blue' });
    expect(res.body.location.microGrid.code).toBe(place.home_unit_code);
    expect(res.body.position.from).toBe('worker_last_position');
    const photo = res.body.photo;
    expect(photo).toMatchObject({ mime_type: 'image/jpeg', worker_code: place.worker_code, purpose: 'patrol' });
    expect(photo.url).toBe(`/api/incidents/${res.body.incident.id}/photos/${photo.id}`);
    expect(heard).toEqual([{ type: 'incident.changed', incidentId: res.body.incident.id, microGridCode: place.home_unit_code, change: 'reported' }]);

    // The file: under the upload directory, random name, the very bytes; the row says where.
    const [row] = await server.db.query<{ storage_path: string; sha256: string }>(photoRow, [photo.id]);
    expect(row.storage_path).toMatch(/^\d{4}\/\d{2}\/[0-9a-f]{32}\.jpg$/);
    // The stored file is the photo decoded and encoded again (server/patrol/photo-storage.ts): its size and hash are the row's.
    const stored = fs.readFileSync(path.join(uploadDir, row.storage_path));
    expect(stored.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    expect(photo).toMatchObject({ size_bytes: stored.length, sha256: crypto.createHash('sha256').update(stored).digest('hex') });

    const served = await fetch(`${server.baseUrl}${photo.url}`, { headers: worker });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(stored)).toBe(true);

    const detail = await (await fetch(`${server.baseUrl}/api/incidents/${res.body.incident.id}`, { headers: dispatcher })).json();
    expect(detail.incident.source).toBe('patrol');
    expect(detail.photos.map((p: { id: number }) => p.id)).toEqual([photo.id]);
    expect(detail.timeline.map((t: { event: string }) => t.event)).toEqual(['reported', 'photo']);
    expect(detail.reports[0]).toMatchObject({ source: 'patrol', external_id: place.worker_code, reporter_phone: null });
    const audit = await server.db.query<{ action: string; success: boolean; after: { photoId: number; sha256: string } }>(photoAudit, [
      String(res.body.incident.id),
    ]);
    expect(audit.map((a) => [a.action, a.success])).toEqual([['incident.create', true]]);
    expect(audit[0].after).toMatchObject({ photoId: photo.id, sha256: photo.sha256, position: 'worker_last_position' });
  });

  it('takes given coordinates and a PNG', async () => {
    const res = await patrol(
      { lon: String(place.lon), lat: String(place.lat), category: 'environment' },
      { bytes: PNG, type: 'image/png', name: 'a.png' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.position.from).toBe('given');
    expect(res.body.photo.mime_type).toBe('image/png');
  });

  it('refuses a photo by its bytes, not its name or declared type, and a photo that is too big', async () => {
    const before = filesUnder(uploadDir).length;
    const gif = await patrol({}, { bytes: GIF, type: 'image/jpeg', name: 'looks-like.jpg' });
    expect(gif.status).toBe(415);
    expect(gif.body).toMatchObject({ code: 'photo_type_unsupported', details: { detected: 'image/gif' } });
    const svg = await patrol(
      {},
      { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), type: 'image/png', name: 'x.png' },
    );
    expect(svg.status).toBe(415);
    const big = await patrol(
      {},
      { bytes: Buffer.concat([JPEG.subarray(0, 20), Buffer.alloc(MAX_BYTES + 1000, 7)]), type: 'image/jpeg', name: 'big.jpg' },
    );
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('photo_too_large');
    const none = await upload(patrolReportRoute, '/api/patrol-reports', worker, { category: 'city_management', description: '没有照片' });
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('photo_required');
    expect((await patrol({ lon: '118.9' })).body.code).toBe('invalid_patrol_report');
    expect((await patrol({}, undefined, dispatcher)).body.code).toBe('role_forbidden');
    expect(filesUnder(uploadDir).length).toBe(before);
  });

  it('removes the file again when the transaction fails', async () => {
    const before = filesUnder(uploadDir);
    // Outside the worker's grid: intake refuses inside the transaction, after the file was written.
    const outside = await patrol({ lon: String(place.other_lon), lat: String(place.other_lat) });
    expect(outside.status).toBe(422);
    expect(outside.body.code).toBe('outside_jurisdiction');
    // Attaching to a case of another district: not found inside the transaction.
    const incident = (await patrol({})).body.incident.id;
    const withIt = filesUnder(uploadDir);
    const foreign = await upload(attachPhotoRoute, `/api/incidents/${incident}/photos`, xuanwu, {}, { bytes: PNG, type: 'image/png', name: 'b.png' });
    expect(foreign.status).toBe(404);
    expect(filesUnder(uploadDir).sort()).toEqual(withIt.sort());
    expect(withIt.length).toBe(before.length + 1);
  });

  it('lets a dispatcher attach a photo, and serves photos only inside the jurisdiction', async () => {
    const incident = (await patrol({ category: 'safety_hazard' })).body.incident.id;
    heard.length = 0;
    const attached = await upload(
      attachPhotoRoute,
      `/api/incidents/${incident}/photos`,
      dispatcher,
      { note: '调度员补充现场照片' },
      { bytes: PNG, type: 'image/png', name: 'c.png' },
    );
    expect(attached.status, JSON.stringify(attached.body)).toBe(201);
    expect(attached.body.photo).toMatchObject({ purpose: 'attachment', mime_type: 'image/png', worker_code: null });
    expect(heard).toEqual([{ type: 'incident.changed', incidentId: incident, microGridCode: place.home_unit_code, change: 'photo' }]);
    const url = attached.body.photo.url;
    expect((await fetch(`${server.baseUrl}${url}`, { headers: dispatcher })).headers.get('content-type')).toBe('image/png');
    // Another district's dispatcher: as if it did not exist.
    const foreign = await fetch(`${server.baseUrl}${url}`, { headers: xuanwu });
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { code: string }).code).toBe('photo_not_found');
    // A photo id under the wrong incident is not found either.
    expect((await fetch(`${server.baseUrl}/api/incidents/${incident - 1}/photos/${attached.body.photo.id}`, { headers: dispatcher })).status).toBe(
      404,
    );
    expect((await fetch(`${server.baseUrl}${url}`)).status).toBe(401);
    const audit = await server.db.query<{ action: string }>(photoAudit, [String(incident)]);
    expect(audit.map((a) => a.action)).toEqual(['incident.create', 'incident.photo_attach']);
  });
});
