/**
 * Simulated video-AI detections (DISPATCH_MODE=simulate): a fixed share of the generated, online cameras
 * run "analytics" (VIDEO_AI_CAMERA_SHARE, chosen by a hash of their code, so the same ones across restarts);
 * detections arrive as a Poisson process of `perHour` city-wide, each on a random analytics camera, of a random
 * kind, with a frame of that camera's demo clip as the snapshot (server/video/video-ai-detection.ts).
 * Generated cameras only, and the incidents are generated: the simulator handles them like its other cases.
 */
import fs from 'node:fs';
import type { Clock } from '../clock/clock.js';
import { defineSql, type Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { DemoCatalogue } from '../video/demo-clips.js';
import { DETECTION_KIND_LIST, raiseVideoDetection } from '../video/video-ai-detection.js';
import type { Random } from './simulator-random.js';

/** Share of generated online cameras with (simulated) analytics. */
export const VIDEO_AI_CAMERA_SHARE = 0.05;

/**
 * The generated, online cameras whose code hashes into the analytics share ($1, 0–1). Result: code.
 * Sequential scan of cameras once at start (15,000 rows); no index needed.
 */
const listAnalyticsCameras = defineSql(
  'simulator.list_analytics_cameras',
  `SELECT code FROM cameras
    WHERE generated AND online AND get_byte(decode(md5('video-ai:' || code), 'hex'), 0) < $1::float8 * 256
    ORDER BY code`,
);

/** Number of events of a Poisson process of `perHour` in `seconds`. */
export function poissonCount(random: Random, perHour: number, seconds: number): number {
  const mean = (perHour * seconds) / 3600;
  let k = 0;
  let p = Math.exp(-mean);
  let sum = p;
  const u = random();
  while (u > sum && k < 100) {
    k++;
    p *= mean / k;
    sum += p;
  }
  return k;
}

export interface VideoAiSimulation {
  tick(now: Date, seconds: number): Promise<number[]>;
}

export function createVideoAiSimulation(deps: {
  db: Database;
  clock: Clock;
  events?: DomainEvents;
  uploadDir: string;
  demo: DemoCatalogue | null;
  random: Random;
  perHour: number;
}): VideoAiSimulation {
  let cameras: string[] | null = null;
  return {
    async tick(_now, seconds) {
      if (!deps.demo || deps.perHour <= 0) return [];
      cameras ??= (await deps.db.query<{ code: string }>(listAnalyticsCameras, [VIDEO_AI_CAMERA_SHARE])).map((r) => r.code);
      if (cameras.length === 0) return [];
      const created: number[] = [];
      for (let i = poissonCount(deps.random, deps.perHour, seconds); i > 0; i--) {
        const code = cameras[Math.floor(deps.random() * cameras.length)];
        const snapshotPath = deps.demo.clipFor(code).snapshotPath;
        if (!snapshotPath) continue;
        const kind = DETECTION_KIND_LIST[Math.floor(deps.random() * DETECTION_KIND_LIST.length)];
        const { result } = await raiseVideoDetection(deps, {
          cameraCode: code,
          kind,
          snapshot: fs.readFileSync(snapshotPath),
          confidence: 0.7 + 0.29 * deps.random(),
          generated: true,
        });
        if (result.outcome === 'created') created.push(Number(result.incident.id));
      }
      return created;
    },
  };
}
