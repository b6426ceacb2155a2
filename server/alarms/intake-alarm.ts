/**
 * System alarms: a camera's video-AI detection or an IoT sensor's threshold alarm becomes an incident at the
 * device's position, one grade higher than a person's report of the same category (the category table's
 * alarm grade, `gradeOf`). A device that keeps alarming in the same category within 30 minutes does not open
 * new cases: each repeat attaches as a report to the open incident it raised.
 *
 * `intakeAlarm` is the in-process entry for the video and IoT modules (runs as the system, city-wide, audited,
 * announced after commit); `recordAlarm` is the transactional part, shared with POST /api/alarms.
 */
import type { Clock } from '../clock/clock.js';
import { auditedSystemChange } from '../audit/audited-system-change.js';
import type { Database, Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { DomainEvent, DomainEvents } from '../events/domain-events.js';
import { intakeIncident, type IntakeResult } from '../incidents/incident-intake.js';
import { incidentChanged } from '../incidents/incident-publishing.js';
import { insertReport, insertTimelineEntry } from '../incidents/incidents.sql.js';
import { findOpenAlarmIncident, lockDevice, readCameraForAlarm, readSensorForAlarm, setIncidentDevice } from './alarms.sql.js';

export type AlarmSource = 'video_ai' | 'iot';

/** The category an IoT alarm of each sensor kind is filed under when the caller does not say. */
export const SENSOR_KIND_CATEGORY: Record<string, string> = {
  smoke: 'fire_safety',
  ebike_charging: 'fire_safety',
  gas: 'safety_hazard',
  elevator: 'safety_hazard',
  manhole: 'city_management',
  water_level: 'city_management',
  noise: 'environment',
  air: 'environment',
};

export interface AlarmInput {
  source: AlarmSource;
  /** A camera code (video_ai) or a sensor code (iot). */
  deviceCode: string;
  /** Required for video_ai; for iot it defaults by the sensor's kind. */
  category?: string;
  description: string;
  /** When the device observed it (kept in the timeline; the case is timed from intake). */
  observedAt?: Date | null;
  /** The reading that crossed the threshold (IoT). */
  reading?: { value: number; unit?: string | null } | null;
  /** A simulated alarm (the simulator's video-AI detections): the incident is generated data, labelled so. */
  generated?: boolean;
}

export interface AlarmActor {
  accountId: number | null;
  role: string;
}

export type AlarmResult =
  | {
      outcome: 'created';
      device: { code: string; kind: string };
      incident: IntakeResult['incident'];
      location: IntakeResult['location'];
      duplicates: IntakeResult['duplicates'];
    }
  | {
      outcome: 'attached';
      device: { code: string; kind: string };
      incident: { id: number; number: string; state: string; grade: string; micro_grid_code: string };
    };

interface Device {
  code: string;
  kind: string;
  lon: number;
  lat: number;
  micro_grid_code: string | null;
  online: boolean;
}

/** In the caller's transaction: validate the device, then attach to the open incident it raised or open one. */
export async function recordAlarm(
  q: Queryable,
  input: AlarmInput,
  actor: AlarmActor,
  now: Date,
): Promise<{ result: AlarmResult; microGridCode: string; published: DomainEvent[] }> {
  const [device] = await q.query<Device>(input.source === 'video_ai' ? readCameraForAlarm : readSensorForAlarm, [input.deviceCode]);
  if (!device) {
    const what = input.source === 'video_ai' ? 'camera' : 'sensor';
    throw new AppError(422, 'unknown_device', `No ${what} ${input.deviceCode} in your jurisdiction`, {
      source: input.source,
      deviceCode: input.deviceCode,
    });
  }
  const category = input.category ?? (input.source === 'iot' ? SENSOR_KIND_CATEGORY[device.kind] : undefined);
  if (!category) throw new AppError(400, 'category_required', 'A video-AI alarm needs a category');
  const detail = { deviceCode: device.code, deviceKind: device.kind, observedAt: input.observedAt ?? null, reading: input.reading ?? null };
  await q.query(lockDevice, [device.code]);
  const [open] = await q.query<{ id: number; number: string; state: string; grade: string; micro_grid_code: string }>(findOpenAlarmIncident, [
    device.code,
    category,
    now,
  ]);
  if (open) {
    await q.query(insertReport, [open.id, input.source, device.code, null, null, input.description, now]);
    await q.query(insertTimelineEntry, [
      open.id,
      now,
      'alarm_repeat',
      open.state,
      open.state,
      actor.accountId,
      actor.role,
      null,
      JSON.stringify(detail),
    ]);
    return {
      result: { outcome: 'attached', device: { code: device.code, kind: device.kind }, incident: { ...open, id: Number(open.id) } },
      microGridCode: open.micro_grid_code,
      published: [incidentChanged(open.id, open.micro_grid_code, 'alarm_repeat')],
    };
  }
  const intake = await intakeIncident(
    q,
    {
      source: input.source,
      category,
      description: input.description,
      lon: device.lon,
      lat: device.lat,
      crs: 'wgs84',
      externalId: device.code,
      generated: input.generated ?? false,
    },
    actor,
    now,
  );
  await q.query(setIncidentDevice, [intake.incident.id, device.code]);
  await q.query(insertTimelineEntry, [
    intake.incident.id,
    now,
    'alarm',
    'reported',
    'reported',
    actor.accountId,
    actor.role,
    null,
    JSON.stringify(detail),
  ]);
  return {
    result: {
      outcome: 'created',
      device: { code: device.code, kind: device.kind },
      incident: intake.incident,
      location: intake.location,
      duplicates: intake.duplicates,
    },
    microGridCode: intake.location.microGrid.code,
    published: [incidentChanged(intake.incident.id, intake.location.microGrid.code, 'reported')],
  };
}

/** The in-process intake of the video and IoT modules: as the system, city-wide, audited, announced after commit. */
export async function intakeAlarm(deps: { db: Database; clock: Clock; events?: DomainEvents }, input: AlarmInput): Promise<AlarmResult> {
  const now = deps.clock.now();
  const actor: AlarmActor = { accountId: null, role: 'system' };
  return auditedSystemChange(
    deps.db,
    { username: input.source },
    async ({ tx, audit, publish }) => {
      const recorded = await recordAlarm(tx, input, actor, now);
      await audit({
        action: recorded.result.outcome === 'created' ? 'incident.create' : 'incident.alarm_repeat',
        entityType: 'incident',
        entityId: String(recorded.result.incident.id),
        jurisdictionCode: recorded.microGridCode,
        after: { number: recorded.result.incident.number, source: input.source, deviceCode: input.deviceCode, grade: recorded.result.incident.grade },
      });
      publish(...recorded.published);
      return recorded.result;
    },
    { events: deps.events, scope: { jurisdiction: 'city', accountId: null, role: 'system' } },
  );
}
