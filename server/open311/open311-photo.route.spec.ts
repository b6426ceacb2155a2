/**
 * Open311 intake with a photo (multipart, the citizens' page) on every database mode: the photo checked like a
 * patrol photo and stored with the case, GCJ-02 input converted, and an Idempotency-Key replay that files nothing
 * twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { JPEG, GIF } from '../../tests/support/test-images.js';

const point = defineSql(
  'test.open311_photo_point',
  `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);
const caseOf = defineSql(
  'test.open311_photo_case',
  `SELECT i.input_crs, ST_X(i.geom) AS lon, (SELECT count(*)::int FROM incident_photos p WHERE p.incident_id = i.id) AS photos,
          (SELECT count(*)::int FROM incidents j WHERE j.description = i.description) AS same,
          (SELECT json_agg(json_build_object('from', t.from_state, 'to', t.to_state, 'role', t.actor_role, 'purpose', t.detail->>'purpose'))
             FROM incident_timeline t WHERE t.incident_id = i.id AND t.event = 'photo') AS photo_entries
     FROM incidents i WHERE i.id = $1`,
);

describe.each(testDatabaseModes())('Open311 intake with a photo on %s', (mode) => {
  let server: TestServer;
  let uploadDir: string;
  let place: { lon: number; lat: number };
  const post = (fields: Record<string, string>, photo: Buffer | null, key?: string) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (photo) form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'p.jpg');
    return fetch(`${server.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: form, headers: key ? { 'idempotency-key': key } : {} });
  };
  beforeAll(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-open311-'));
    server = await startTestServer(mode, { env: { UPLOAD_DIR: uploadDir } });
    [place] = await server.db.query(point);
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('files a GCJ-02 report with its photo once, however often the same key is sent', async () => {
    const key = crypto.randomUUID();
    const fields = {
      service_code: 'city_management',
      description: `井盖破损 ${key.slice(0, 6)}`,
      long: String(place.lon + 0.0052),
      lat: String(place.lat - 0.0021),
      coordinate_system: 'gcj02',
    };
    const first = await post(fields, JPEG, key);
    const body = await first.json();
    expect(first.status, JSON.stringify(body)).toBe(201);
    const again = await post(fields, JPEG, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(body);
    const [row] = await server.db.query<{ input_crs: string; lon: number; photos: number; same: number; photo_entries: unknown }>(caseOf, [
      Number(body[0].service_request_id),
    ]);
    expect(row.input_crs).toBe('gcj02');
    expect(Math.abs(row.lon - place.lon)).toBeLessThan(0.0015);
    expect(row.photos).toBe(1);
    expect(row.same).toBe(1);
    // The timeline says a photo came with the report, the case still reported.
    expect(row.photo_entries).toEqual([{ from: 'reported', to: 'reported', role: 'public_intake', purpose: 'attachment' }]);
  });

  it('refuses a photo that is not JPEG, PNG or WebP by its bytes, and still takes a report without one', async () => {
    const gif = await post({ service_code: 'city_management', description: '动图', long: String(place.lon), lat: String(place.lat) }, GIF);
    expect(gif.status).toBe(415);
    expect((await gif.json())[0].description).toMatch(/^photo_type_unsupported/);
    const plain = await post(
      { service_code: 'city_management', description: '没有照片的上报', long: String(place.lon), lat: String(place.lat) },
      null,
    );
    expect(plain.status).toBe(201);
  });
});
