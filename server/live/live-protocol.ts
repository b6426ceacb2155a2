/**
 * The live channel's wire contract, defined once: the server validates client frames with these zod schemas and
 * the browser client (client/live/live-client.ts) imports the types (type-only, erased from the bundle).
 *
 * Client → server: subscribe / unsubscribe / viewport / ping (JSON text frames, at most LIVE_MAX_FRAME_BYTES).
 * Server → client: hello, snapshot, delta, pong, error. Sequence numbers are per topic and increase for the life
 * of one server instance (its epoch); a client that sees only part of a topic sees gaps, which is normal.
 */
import { z } from 'zod';
import { isFinishedState, type Grade } from '../contract/incident-vocabulary.js';

export const LIVE_TOPICS = ['incidents', 'workers', 'stats', 'sensors'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

/** [west, south, east, north] in WGS84 degrees. */
export type LiveBbox = [number, number, number, number];

export interface LiveSince {
  epoch: string;
  seq: number;
}

export interface LiveIncident {
  id: number;
  number: string;
  state: string;
  grade: Grade;
  category: string;
  source: string;
  lon: number;
  lat: number;
  microGridCode: string;
  communityCode: string;
  streetCode: string;
  districtCode: string;
  assignedWorkerCode: string | null;
  escalationLevel: number;
  overdue: boolean;
  deadlineAt: string | null;
  reportedAt: string;
  generated: boolean;
  /**
   * Compatible extension: set on a delta item when a case left this client's view without closing (a field worker
   * declined it or it was offered to someone else). Treat like a closed item: drop it from the open view.
   */
  removed?: true;
}

export interface LiveWorker {
  code: string;
  name: string;
  role: string;
  lon: number;
  lat: number;
  /** ISO time of the position fix. */
  at: string;
  dutyStatus: 'on_duty' | 'off_duty' | 'busy' | (string & {});
  busy: boolean;
  /** The position is older than LIVE_STALE_POSITION_MS. */
  stale: boolean;
  microGridCode: string;
}

/**
 * A statistics change (topic `stats`, issue 19): an incident of this micro-grid, reported on this Asia/Shanghai day,
 * changed (intake, a lifecycle step, an escalation …). Screens refetch their /api/stats figures when the code lies in
 * their unit (coalesced); the snapshot is empty (nothing to replay but the ring). Same shape as
 * server/stats/stats-contract.ts `statsLiveItemSchema`.
 */
export interface LiveStatsChange {
  incidentId: number;
  microGridCode: string;
  day: string;
  kind: string;
  at: string;
}

/** An IoT sensor as the map shows it live (server/iot/sensor-rule-engine.ts): only its state and latest alarm. */
export interface LiveSensor {
  code: string;
  kind: string;
  state: 'normal' | 'alarm' | 'offline';
  /** ISO time the state began. */
  since: string;
  lon: number;
  lat: number;
  microGridCode: string;
  /** The rule that raised the standing alarm, and the reading that did. */
  alarmRule: string | null;
  value: number | null;
  incidentId: number | null;
}

/** True when a delta item means the incident no longer belongs in the open view (finished, or left the view). */
export function isRemovedFromOpenView(item: Pick<LiveIncident, 'state' | 'removed'>): boolean {
  return item.removed === true || isFinishedState(item.state);
}

export const LIVE_STALE_POSITION_MS = 10 * 60_000;
export const LIVE_MAX_FRAME_BYTES = 4096;
export const LIVE_PATH = '/live';
/** The subprotocol the server selects; a screen token travels as a second subprotocol `bearer.<token>`. */
export const LIVE_SUBPROTOCOL = 'gridops.live';

/** Close codes the client acts on. */
export const LIVE_CLOSE = {
  /** The session ended (logout, expiry, deactivated account) or the screen token was revoked: do not reconnect. */
  sessionEnded: 4401,
  /** The account's role or jurisdiction changed: reconnect (a new scope). */
  scopeChanged: 4403,
  /** The client fell too far behind on incidents: reconnect at once and resume from its last sequence numbers. */
  resumeRequired: 4409,
  /** Too many or abusive frames. */
  policyViolation: 1008,
  /** The server is shutting down: reconnect with back-off. */
  goingAway: 1001,
} as const;

/** Error codes of `{"type":"error"}` messages (stable; the client may translate them). */
export type LiveErrorCode = 'binary_not_supported' | 'invalid_json' | 'invalid_message' | 'rate_limited' | 'not_subscribed' | 'snapshot_failed';

const coordinate = (min: number, max: number) => z.number().finite().min(min).max(max);
export const BboxSchema = z
  .tuple([coordinate(-180, 180), coordinate(-90, 90), coordinate(-180, 180), coordinate(-90, 90)])
  .refine(([w, s, e, n]) => w <= e && s <= n, 'west must not exceed east, south must not exceed north');

const SinceSchema = z
  .object({ epoch: z.string().min(1).max(64), seq: z.number().int().min(0) })
  .strict()
  .nullable();

export const ClientMessageSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('subscribe'), topic: z.enum(LIVE_TOPICS), since: SinceSchema.optional(), bbox: BboxSchema.optional() }).strict(),
  z.object({ op: z.literal('unsubscribe'), topic: z.enum(LIVE_TOPICS) }).strict(),
  z.object({ op: z.literal('viewport'), bbox: BboxSchema }).strict(),
  z.object({ op: z.literal('ping') }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export type LiveItemOf<T extends LiveTopic> = T extends 'incidents'
  ? LiveIncident
  : T extends 'stats'
    ? LiveStatsChange
    : T extends 'sensors'
      ? LiveSensor
      : LiveWorker;

export type ServerMessage =
  | { type: 'hello'; epoch: string; account: { role: string; jurisdiction: string } }
  | { type: 'snapshot'; topic: 'incidents'; epoch: string; seq: number; items: LiveIncident[]; truncated: boolean }
  | { type: 'snapshot'; topic: 'workers'; epoch: string; seq: number; items: LiveWorker[]; truncated: boolean }
  | { type: 'delta'; topic: 'incidents'; seq: number; items: LiveIncident[] }
  | { type: 'delta'; topic: 'workers'; seq: number; items: LiveWorker[] }
  | { type: 'snapshot'; topic: 'stats'; epoch: string; seq: number; items: LiveStatsChange[]; truncated: boolean }
  | { type: 'delta'; topic: 'stats'; seq: number; items: LiveStatsChange[] }
  /** Sensors: the snapshot holds those not normal (alarm, offline); a delta each state change, normal included. */
  | { type: 'snapshot'; topic: 'sensors'; epoch: string; seq: number; items: LiveSensor[]; truncated: boolean }
  | { type: 'delta'; topic: 'sensors'; seq: number; items: LiveSensor[] }
  | { type: 'pong' }
  | { type: 'error'; code: LiveErrorCode; message: string };
