/**
 * SQL fragment shared by the seed steps: a deterministic point inside a polygon, by rejection
 * sampling in its bounding box with gridops_unit_random (the same on every PostgreSQL, unlike
 * ST_GeneratePoints whose generator belongs to the PostGIS version). The first hit among tries
 * 1, 2, 3, 4, 5–16, 17–64 (coalesce stops at the first that hits, so about two tries on average),
 * else ST_PointOnSurface.
 *
 * Both arguments are SQL expressions written in this code base (never input): `geom` a polygon
 * expression, `key` a text expression unique to the point.
 */
function candidate(geom: string, key: string, k: string): string {
  return `ST_SetSRID(ST_MakePoint(
            ST_XMin(${geom}) + (ST_XMax(${geom}) - ST_XMin(${geom})) * gridops_unit_random(${key} || ':x' || ${k}),
            ST_YMin(${geom}) + (ST_YMax(${geom}) - ST_YMin(${geom})) * gridops_unit_random(${key} || ':y' || ${k})), 4326)`;
}

function oneTry(geom: string, key: string, k: number): string {
  return `(SELECT c.pt FROM (SELECT ${candidate(geom, key, `'${k}'`)} AS pt) c WHERE ST_Intersects(${geom}, c.pt))`;
}

function tries(geom: string, key: string, from: number, to: number): string {
  return `(SELECT c.pt FROM generate_series(${from}, ${to}) AS k
             CROSS JOIN LATERAL (SELECT ${candidate(geom, key, 'k')} AS pt) c
            WHERE ST_Intersects(${geom}, c.pt) ORDER BY k LIMIT 1)`;
}

export function randomPointInPolygonSql(geom: string, key: string): string {
  const singles = [1, 2, 3, 4].map((k) => oneTry(geom, key, k));
  return `coalesce(${singles.join(', ')}, ${tries(geom, key, 5, 16)}, ${tries(geom, key, 17, 64)}, ST_PointOnSurface(${geom}))`;
}
