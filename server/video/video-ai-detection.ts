/**
 * A video-AI detection (crowding, fallen object, smoke, illegal parking) raised by a camera: an alarm through
 * the alarm intake (`recordAlarm`: the incident at the camera, one grade up, repeats attached to the open
 * case) with the frame that triggered it stored as the incident's photo (purpose `video_ai_snapshot`), in one
 * transaction with its audit record, announced after commit. The simulator raises them for generated cameras
 * with a frame of the camera's demo clip (server/simulator/video-ai-simulation.ts); a real analytics box
 * would call this with its own frame.
 */
import type { Clock } from '../clock/clock.js';
import { recordAlarm, type AlarmResult } from '../alarms/intake-alarm.js';
import { appendAudit } from '../audit/record-audit.js';
import { withScope, type Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import { publishAll } from '../incidents/incident-publishing.js';
import { insertPhotoRow } from '../patrol/incident-photos.js';
import { withStoredPhoto } from '../patrol/photo-storage.js';

export const DETECTION_KINDS = {
  crowding: { category: 'public_order', zh: '人群聚集' },
  fallen_object: { category: 'city_management', zh: '道路抛洒物' },
  smoke: { category: 'fire_safety', zh: '烟雾' },
  illegal_parking: { category: 'city_management', zh: '违章停车' },
} as const;
export type DetectionKind = keyof typeof DETECTION_KINDS;
export const DETECTION_KIND_LIST = Object.keys(DETECTION_KINDS) as DetectionKind[];

export interface VideoDetection {
  cameraCode: string;
  kind: DetectionKind;
  /** The frame, JPEG. */
  snapshot: Buffer;
  /** Confidence of the detector, 0–1 (kept in the description). */
  confidence: number;
  generated: boolean;
}

export async function raiseVideoDetection(
  deps: { db: Database; clock: Clock; events?: DomainEvents; uploadDir: string },
  detection: VideoDetection,
): Promise<{ result: AlarmResult; photoId: number }> {
  if (detection.snapshot.length < 4 || detection.snapshot[0] !== 0xff || detection.snapshot[1] !== 0xd8) {
    throw new Error('a video-AI snapshot must be a JPEG');
  }
  const now = deps.clock.now();
  const kind = DETECTION_KINDS[detection.kind];
  const description = `视频AI识别：${kind.zh}（置信度 ${Math.round(detection.confidence * 100)}%）`;
  const done = await withStoredPhoto(deps.uploadDir, { buffer: detection.snapshot, mime: 'image/jpeg', extension: 'jpg' }, now, (stored) =>
    withScope(deps.db, { jurisdiction: 'city', accountId: null, role: 'system' }, async (tx) => {
      const recorded = await recordAlarm(
        tx,
        {
          source: 'video_ai',
          deviceCode: detection.cameraCode,
          category: kind.category,
          description,
          observedAt: now,
          generated: detection.generated,
        },
        { accountId: null, role: 'system' },
        now,
      );
      const photo = await insertPhotoRow(tx, recorded.result.incident.id, stored, { accountId: null, workerCode: null }, 'video_ai_snapshot', now);
      await appendAudit(tx, {
        actorAccountId: null,
        actorUsername: detection.generated ? 'simulator' : 'video_ai',
        actorRole: 'system',
        action: recorded.result.outcome === 'created' ? 'incident.create' : 'incident.alarm_repeat',
        entityType: 'incident',
        entityId: String(recorded.result.incident.id),
        jurisdictionCode: recorded.microGridCode,
        after: {
          number: recorded.result.incident.number,
          source: 'video_ai',
          deviceCode: detection.cameraCode,
          detection: detection.kind,
          snapshotPhotoId: Number(photo.id),
          generated: detection.generated,
        },
        clientAddress: null,
        success: true,
      });
      return { recorded, photoId: Number(photo.id) };
    }),
  );
  publishAll(deps.events, done.recorded.published);
  return { result: done.recorded.result, photoId: done.photoId };
}
