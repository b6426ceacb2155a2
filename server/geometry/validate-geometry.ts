/**
 * Validation of GeoJSON polygon input before it reaches PostGIS (RFC 7946 geometry objects only).
 * Returns `{ valid: true, geometry }` or `{ valid: false, reason, detail }` with a stable reason code,
 * the same codes the browser uses while drawing. Wrong winding is accepted: RFC 7946 asks parsers not to
 * reject it. PostGIS then checks validity authoritatively (ST_IsValid).
 */
import { kinks } from '@turf/turf';

export type GeometryReason =
  | 'not_a_geometry'
  | 'unsupported_type'
  | 'malformed_coordinates'
  | 'coordinate_not_finite'
  | 'coordinate_out_of_range'
  | 'too_few_positions'
  | 'ring_not_closed'
  | 'too_many_vertices'
  | 'self_intersection';

export type PolygonGeometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

export type GeometryValidation =
  { valid: true; geometry: PolygonGeometry; vertices: number } | { valid: false; reason: GeometryReason; detail: string };

export const MAX_VERTICES = 10_000;
/**
 * Above this many vertices the self-intersection search (turf's sweep line, in JavaScript on the server's
 * thread: ~0.4 s for 10,000 vertices on an idle core) is left to PostGIS's ST_IsValid, which the server runs
 * on every area anyway and which answers the same crossing as `invalid_topology`.
 */
export const MAX_VERTICES_CHECKED_HERE = 1_000;
const fail = (reason: GeometryReason, detail: string): GeometryValidation => ({ valid: false, reason, detail });

type RingCheck = { ok: true; vertices: number } | { ok: false; result: GeometryValidation };

function checkRing(ring: unknown, where: string): RingCheck {
  if (!Array.isArray(ring)) return { ok: false, result: fail('malformed_coordinates', `${where} is not an array of positions`) };
  if (ring.length < 4) return { ok: false, result: fail('too_few_positions', `${where} has ${ring.length} positions; a ring needs at least 4`) };
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i];
    if (!Array.isArray(p) || p.length < 2 || p.length > 3) {
      return { ok: false, result: fail('malformed_coordinates', `${where}[${i}] is not a position [lon, lat]`) };
    }
    for (const c of p) {
      if (typeof c !== 'number') return { ok: false, result: fail('malformed_coordinates', `${where}[${i}] holds a non-number`) };
      if (!Number.isFinite(c)) return { ok: false, result: fail('coordinate_not_finite', `${where}[${i}] holds a non-finite number`) };
    }
    if (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) {
      return { ok: false, result: fail('coordinate_out_of_range', `${where}[${i}] is outside lon −180…180, lat −90…90`) };
    }
  }
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return { ok: false, result: fail('ring_not_closed', `${where}: the first and last positions differ`) };
  }
  return { ok: true, vertices: ring.length };
}

function checkPolygon(rings: unknown, where: string): RingCheck {
  if (!Array.isArray(rings) || rings.length === 0) {
    return { ok: false, result: fail('malformed_coordinates', `${where} is not a non-empty array of rings`) };
  }
  let vertices = 0;
  for (let r = 0; r < rings.length; r++) {
    const check = checkRing(rings[r], `${where}[${r}]`);
    if (!check.ok) return check;
    vertices += check.vertices;
    if (vertices > MAX_VERTICES) return { ok: false, result: fail('too_many_vertices', `more than ${MAX_VERTICES} vertices`) };
  }
  return { ok: true, vertices };
}

export function validatePolygonGeometry(input: unknown): GeometryValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('not_a_geometry', 'expected a GeoJSON geometry object');
  const { type, coordinates } = input as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return fail('unsupported_type', `expected a Polygon or MultiPolygon, got ${typeof type === 'string' ? type.slice(0, 40) : typeof type}`);
  }
  let vertices = 0;
  if (type === 'Polygon') {
    const check = checkPolygon(coordinates, 'coordinates');
    if (!check.ok) return check.result;
    vertices = check.vertices;
  } else {
    if (!Array.isArray(coordinates) || coordinates.length === 0)
      return fail('malformed_coordinates', 'coordinates is not a non-empty array of polygons');
    for (let k = 0; k < coordinates.length; k++) {
      const check = checkPolygon(coordinates[k], `coordinates[${k}]`);
      if (!check.ok) return check.result;
      vertices += check.vertices;
      if (vertices > MAX_VERTICES) return fail('too_many_vertices', `more than ${MAX_VERTICES} vertices`);
    }
  }
  const geometry = { type, coordinates } as PolygonGeometry;
  if (vertices > MAX_VERTICES_CHECKED_HERE) return { valid: true, geometry, vertices };
  const crossings = kinks(geometry as Parameters<typeof kinks>[0]);
  if (crossings.features.length > 0) {
    const [x, y] = crossings.features[0].geometry.coordinates;
    return fail('self_intersection', `edges cross at [${x}, ${y}]`);
  }
  return { valid: true, geometry, vertices };
}
