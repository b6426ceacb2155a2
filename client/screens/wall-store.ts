/**
 * The big screen's live state, pure (no DOM, no map), so a wall can run for days: open incidents by id (a
 * snapshot replaces them, deltas upsert, closed/removed leave), the newest cases for the feed (at most FEED_SIZE),
 * worker positions by code, and dispatch arcs (at most MAX_ARCS, each dropped after ARC_LIFETIME_MS). Everything
 * is bounded by the jurisdiction's open cases and workers, or by a constant.
 */
import type { LiveIncident, LiveWorker } from '../live/live-client.js';
import { isRemovedFromOpenView } from '../../server/live/live-protocol.js';
import type { DispatchArc } from '../map/map-data.js';

export const FEED_SIZE = 40;
export const MAX_ARCS = 60;
export const ARC_LIFETIME_MS = 45_000;
/** A red case newer than this flashes in the feed. */
export const FLASH_MS = 8_000;

export interface FeedEntry {
  incident: LiveIncident;
  /** Date.now() when the wall first saw it. */
  seenAt: number;
}

export interface WallStore {
  snapshotIncidents(items: readonly LiveIncident[]): void;
  /** Applies a delta; answers the ids of incidents the wall had not seen before (new cases). */
  deltaIncidents(items: readonly LiveIncident[], now: number): number[];
  snapshotWorkers(items: readonly LiveWorker[]): void;
  deltaWorkers(items: readonly LiveWorker[]): void;
  openIncidents(): LiveIncident[];
  workers(): LiveWorker[];
  feed(): readonly FeedEntry[];
  arcs(now: number): DispatchArc[];
  /** Open alarms (video AI and IoT sources) among the open cases. */
  openAlarms(): number;
}

export function createWallStore(): WallStore {
  const open = new Map<number, LiveIncident>();
  const workers = new Map<string, LiveWorker>();
  let feed: FeedEntry[] = [];
  let arcs: DispatchArc[] = [];
  let seen = new Set<number>();

  const pushFeed = (incident: LiveIncident, now: number) => {
    feed = [{ incident, seenAt: now }, ...feed.filter((f) => f.incident.id !== incident.id)].slice(0, FEED_SIZE);
  };
  const remember = (id: number) => {
    seen.add(id);
    // The set of ids seen only has to tell new from known: keep it bounded.
    if (seen.size > 20_000) seen = new Set([...open.keys(), ...feed.map((f) => f.incident.id)]);
  };

  return {
    snapshotIncidents(items) {
      open.clear();
      for (const item of items) if (!isRemovedFromOpenView(item)) open.set(item.id, item);
      for (const item of items) remember(item.id);
      // The feed starts with the newest open cases.
      if (feed.length === 0) {
        feed = [...open.values()]
          .sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt))
          .slice(0, FEED_SIZE)
          .map((incident) => ({ incident, seenAt: 0 }));
      }
    },
    deltaIncidents(items, now) {
      const fresh: number[] = [];
      for (const item of items) {
        const before = open.get(item.id);
        if (!seen.has(item.id)) {
          fresh.push(item.id);
          remember(item.id);
          pushFeed(item, now);
        } else {
          feed = feed.map((f) => (f.incident.id === item.id ? { ...f, incident: item } : f));
        }
        if (item.state === 'dispatched' && item.assignedWorkerCode && before?.state !== 'dispatched') {
          const worker = workers.get(item.assignedWorkerCode);
          if (worker) {
            arcs = [
              ...arcs.filter((a) => now - a.startedAt < ARC_LIFETIME_MS && a.incidentId !== item.id),
              {
                incidentId: item.id,
                from: [worker.lon, worker.lat] as [number, number],
                to: [item.lon, item.lat] as [number, number],
                grade: item.grade,
                startedAt: now,
              },
            ].slice(-MAX_ARCS);
          }
        }
        if (isRemovedFromOpenView(item)) open.delete(item.id);
        else open.set(item.id, item);
      }
      return fresh;
    },
    snapshotWorkers(items) {
      workers.clear();
      for (const item of items) workers.set(item.code, item);
    },
    deltaWorkers(items) {
      for (const item of items) {
        if (item.dutyStatus === 'off_duty') workers.delete(item.code);
        else workers.set(item.code, item);
      }
    },
    openIncidents: () => [...open.values()],
    workers: () => [...workers.values()],
    feed: () => feed,
    arcs(now) {
      arcs = arcs.filter((a) => now - a.startedAt < ARC_LIFETIME_MS);
      return arcs;
    },
    openAlarms() {
      let n = 0;
      for (const item of open.values()) if (item.source === 'video_ai' || item.source === 'iot') n += 1;
      return n;
    },
  };
}
