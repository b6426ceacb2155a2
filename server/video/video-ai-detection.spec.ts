/**
 * Video-AI detections on the seeded Xianlin subset, on every database mode: a detection becomes an alarm
 * incident at the camera with the frame as its photo (audited), the incident's cameras name the camera and
 * the snapshot, a repeat attaches; and the simulator's video-AI step raises detections on analytics cameras.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { seededRandom } from '../simulator/simulator-random.js';
import { createVideoAiSimulation } from '../simulator/video-ai-simulation.js';
import { readDemoCatalogue } from './demo-clips.js';
import { raiseVideoDetection } from './video-ai-detection.js';
import { callRoute } from '../../tests/support/api-answer.js';
import { incidentCamerasRoute } from './cameras-contract.js';

const DEMO_DIR = path.resolve(import.meta.dirname, '../../data/video-demo');
const pickCamera = defineSql(
  'test.video_ai_camera',
  `SELECT code FROM cameras WHERE online AND generated AND micro_grid_code LIKE '320113007%' ORDER BY code DESC LIMIT 1`,
);
const readIncident = defineSql(
  'test.video_ai_incident',
  `SELECT i.source, i.category, i.grade, i.generated, i.device_code,
          (SELECT count(*)::int FROM incident_photos p WHERE p.incident_id = i.id AND p.purpose = 'video_ai_snapshot') AS snapshots,
          (SELECT count(*)::int FROM audit_log a WHERE a.entity_type = 'incident' AND a.entity_id = i.id::text) AS audits
     FROM incidents i WHERE i.id = $1`,
);

type VideoAiIncident = {
  source: string;
  category: string;
  grade: string;
  generated: boolean;
  device_code: string | null;
  snapshots: number;
  audits: number;
};

describe.each(testDatabaseModes())('video-AI detections on %s', (mode) => {
  let server: TestServer;
  let uploadDir: string;
  let camera: string;
  const clock = { now: () => new Date() };

  beforeAll(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-video-ai-'));
    server = await startTestServer(mode, { env: { UPLOAD_DIR: uploadDir } });
    [{ code: camera }] = await server.db.query<{ code: string }>(pickCamera);
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('raises an alarm incident at the camera with its frame as the photo, audited; a repeat attaches', async () => {
    const catalogue = readDemoCatalogue(DEMO_DIR)!;
    const snapshot = fs.readFileSync(catalogue.clipFor(camera).snapshotPath!);
    const deps = { db: server.db, clock, uploadDir };
    const first = await raiseVideoDetection(deps, { cameraCode: camera, kind: 'smoke', snapshot, confidence: 0.91, generated: true });
    expect(first.result.outcome).toBe('created');
    const id = Number(first.result.incident.id);
    const [row] = await server.db.query<VideoAiIncident>(readIncident, [id]);
    expect(row).toMatchObject({ source: 'video_ai', category: 'fire_safety', grade: 'red', generated: true, device_code: camera, snapshots: 1 });
    expect(row.audits).toBeGreaterThanOrEqual(1);

    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const { body: answer } = await callRoute(server.baseUrl, incidentCamerasRoute, `/api/incidents/${id}/cameras`, dispatcher);
    expect(answer.alarm).toEqual({ cameraCode: camera, snapshotUrl: `/api/incidents/${id}/photos/${first.photoId}` });
    expect(answer.cameras.map((c) => c.code)).toContain(camera);
    const image = await fetch(`${server.baseUrl}${answer.alarm?.snapshotUrl}`, { headers: dispatcher });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await image.arrayBuffer()).equals(snapshot)).toBe(true);
    // Another district cannot see it.
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    expect((await fetch(`${server.baseUrl}${answer.alarm?.snapshotUrl}`, { headers: xuanwu })).status).toBe(404);

    const repeat = await raiseVideoDetection(deps, { cameraCode: camera, kind: 'smoke', snapshot, confidence: 0.88, generated: true });
    expect(repeat.result).toMatchObject({ outcome: 'attached' });
    expect(Number(repeat.result.incident.id)).toBe(id);
    expect((await server.db.query<VideoAiIncident>(readIncident, [id]))[0].snapshots).toBe(2);
    await expect(
      raiseVideoDetection(deps, { cameraCode: camera, kind: 'smoke', snapshot: Buffer.from('GIF89a'), confidence: 1, generated: true }),
    ).rejects.toThrow(/JPEG/);
  });

  it('the simulator’s video-AI step raises detections on analytics cameras, with the clip’s frame', async () => {
    const simulation = createVideoAiSimulation({
      db: server.db,
      clock,
      uploadDir,
      demo: readDemoCatalogue(DEMO_DIR),
      random: seededRandom(7),
      perHour: 3600,
    });
    const created = await simulation.tick(new Date(), 5);
    expect(created.length).toBeGreaterThan(0);
    for (const id of created) {
      const [row] = await server.db.query<VideoAiIncident>(readIncident, [id]);
      expect(row).toMatchObject({ source: 'video_ai', generated: true, snapshots: 1 });
      expect(['public_order', 'city_management', 'fire_safety']).toContain(row.category);
    }
  });
});
