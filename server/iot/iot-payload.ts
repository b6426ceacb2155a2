/**
 * The payloads of sensor messages, validated with zod, and the reasons a message is refused. Pure: the time
 * window comes from the caller's clock and configuration.
 *
 *   reading:   {"value": 3.2, "unit": "obscuration %/m", "observedAt": "2026-12-07T10:31:58Z", "battery": 87, "signal": -71}
 *   heartbeat: {"observedAt": "…", "battery"?: …, "signal"?: …}
 *   status:    {"status": "online" | "offline", "observedAt"?: …}   (the last will carries {"status":"offline"})
 *
 * `observedAt` may also be epoch milliseconds. Battery in percent (0–100), signal in dBm (−150–0).
 */
import { z } from 'zod';
import type { SensorMessageKind } from './iot-topics.js';

/** Why a message was dropped; counted per reason by ingest-stats.ts. Stable codes. */
export const REJECT_REASONS = [
  'unknown_topic',
  'oversized',
  'malformed_json',
  'invalid_payload',
  'not_finite',
  'future_time',
  'too_old',
  'unknown_sensor',
  'wrong_unit',
  'topic_forbidden',
  'storage_failed',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

const observedAt = z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]);
const battery = z.number().min(0).max(100);
const signal = z.number().min(-150).max(0);

const ReadingSchema = z
  .object({ value: z.number(), unit: z.string().max(32).optional(), observedAt, battery: battery.optional(), signal: signal.optional() })
  .strict();
const HeartbeatSchema = z.object({ observedAt, battery: battery.optional(), signal: signal.optional() }).strict();
const StatusSchema = z.object({ status: z.enum(['online', 'offline']), observedAt: observedAt.optional() }).strict();

export type SensorMessage =
  | { kind: 'reading'; value: number; unit: string | null; observedAt: Date; battery: number | null; signal: number | null }
  | { kind: 'heartbeat'; observedAt: Date; battery: number | null; signal: number | null }
  | { kind: 'status'; status: 'online' | 'offline'; observedAt: Date };

export interface PayloadLimits {
  maxBytes: number;
  /** How far in the future an observed time may lie (device clocks drift). */
  maxFutureMs: number;
  /** How far in the past (a device that buffered while offline). */
  maxAgeMs: number;
}

export type ParsedMessage = { ok: true; message: SensorMessage } | { ok: false; reason: RejectReason };

/** JSON has no NaN or Infinity: a value too large for a double (1e400) parses to Infinity and is refused here. */
function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value && typeof value === 'object') return Object.values(value).some(hasNonFinite);
  return false;
}

export function parseSensorMessage(kind: SensorMessageKind, payload: Uint8Array, now: Date, limits: PayloadLimits): ParsedMessage {
  if (payload.byteLength > limits.maxBytes) return { ok: false, reason: 'oversized' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed_json' };
  }
  if (hasNonFinite(json)) return { ok: false, reason: 'not_finite' };
  const schema = kind === 'reading' ? ReadingSchema : kind === 'heartbeat' ? HeartbeatSchema : StatusSchema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'invalid_payload' };
  const data = parsed.data as { observedAt?: string | number };
  let at = now;
  if (data.observedAt !== undefined) {
    at = new Date(data.observedAt);
    if (Number.isNaN(at.getTime())) return { ok: false, reason: 'invalid_payload' };
    if (at.getTime() > now.getTime() + limits.maxFutureMs) return { ok: false, reason: 'future_time' };
    if (at.getTime() < now.getTime() - limits.maxAgeMs) return { ok: false, reason: 'too_old' };
  }
  if (kind === 'reading') {
    const r = parsed.data as z.infer<typeof ReadingSchema>;
    return {
      ok: true,
      message: { kind, value: r.value, unit: r.unit ?? null, observedAt: at, battery: r.battery ?? null, signal: r.signal ?? null },
    };
  }
  if (kind === 'heartbeat') {
    const h = parsed.data as z.infer<typeof HeartbeatSchema>;
    return { ok: true, message: { kind, observedAt: at, battery: h.battery ?? null, signal: h.signal ?? null } };
  }
  const s = parsed.data as z.infer<typeof StatusSchema>;
  return { ok: true, message: { kind, status: s.status, observedAt: at } };
}
