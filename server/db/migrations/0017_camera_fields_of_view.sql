-- Cameras' fields of view in PostGIS (issue 21), PTZ cameras, and what the video module adds.
--
-- fov: a polygon per camera, GENERATED from its position, heading, angle, range and PTZ flag, so it can
-- never disagree with the row. A fixed camera's view is a circular sector: apex at the camera, centred on
-- heading_deg (clockwise from north), fov_deg wide, range_m long, the arc in steps of at most 5°. A PTZ camera
-- (it can turn) and a camera with a 360° view see a full circle of their range (72 steps). Vertices come from
-- a local ellipsoidal tangent plane at the camera (WGS84 meridional and prime-vertical radii), the same
-- formula as server/video/camera-sector.ts (its pure tests, and a database test that the two agree). The
-- chord of a 5° step lies at most r·(1 − cos 2.5°) inside the arc: 0.14 m at 150 m.

-- Metres per degree of latitude and of longitude at latitude lat (WGS84 ellipsoid).
CREATE FUNCTION gridops_metres_per_degree(lat double precision, OUT lat_m double precision, OUT lon_m double precision)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT 6378137.0 * (1 - 0.00669437999014) / power(1 - 0.00669437999014 * sin(radians(lat)) ^ 2, 1.5) * pi() / 180,
         6378137.0 / sqrt(1 - 0.00669437999014 * sin(radians(lat)) ^ 2) * cos(radians(lat)) * pi() / 180
$$;

-- The field-of-view polygon of a camera at p (EPSG:4326 point).
CREATE FUNCTION gridops_camera_fov(p geometry, heading_deg double precision, fov_deg double precision,
                                   range_m double precision, ptz boolean)
  RETURNS geometry
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  WITH k AS (SELECT (gridops_metres_per_degree(ST_Y(p))).*, ptz OR fov_deg >= 360 AS circle,
                    greatest(1, ceil(least(fov_deg, 360) / 5.0))::int AS steps),
       arc AS (
         SELECT n, CASE WHEN k.circle THEN 360.0 * n / 72
                        ELSE heading_deg - fov_deg / 2 + fov_deg * n / k.steps END AS bearing
           FROM k, generate_series(0, CASE WHEN k.circle THEN 72 ELSE k.steps END) AS n)
  SELECT ST_MakePolygon(ST_MakeLine(CASE WHEN k.circle THEN arc_points ELSE ARRAY[p] || arc_points || ARRAY[p] END))
    FROM k, LATERAL (
      SELECT array_agg(ST_SetSRID(ST_MakePoint(ST_X(p) + range_m * sin(radians(arc.bearing)) / k.lon_m,
                                               ST_Y(p) + range_m * cos(radians(arc.bearing)) / k.lat_m), 4326)
                       ORDER BY arc.n) AS arc_points
        FROM arc) pts
$$;

ALTER TABLE cameras
  ADD COLUMN ptz boolean NOT NULL DEFAULT false,
  -- A PTZ camera's preset headings (degrees clockwise from north); empty for a fixed camera.
  ADD COLUMN preset_headings double precision[] NOT NULL DEFAULT '{}'
    CHECK (0 <= ALL (preset_headings) AND 360 > ALL (preset_headings));

-- Which seeded cameras are PTZ: a stable 20/256 (7.8 %) of them by their code, with four presets a quarter
-- turn apart starting at the heading. Used by this migration for cameras already seeded and by the seed
-- (server/seed/seed-cameras.sql.ts) for new ones. Generated data only.
CREATE FUNCTION gridops_seed_camera_is_ptz(code text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT get_byte(decode(md5('ptz:' || code), 'hex'), 0) < 20
$$;
CREATE FUNCTION gridops_seed_camera_presets(code text, heading_deg double precision) RETURNS double precision[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT CASE WHEN gridops_seed_camera_is_ptz(code)
              THEN ARRAY[heading_deg, mod((heading_deg + 90)::numeric, 360)::float8, mod((heading_deg + 180)::numeric, 360)::float8, mod((heading_deg + 270)::numeric, 360)::float8]
              ELSE '{}'::double precision[] END
$$;
UPDATE cameras SET ptz = gridops_seed_camera_is_ptz(code), preset_headings = gridops_seed_camera_presets(code, heading_deg)
 WHERE generated;

ALTER TABLE cameras
  ADD COLUMN fov geometry(Polygon, 4326) GENERATED ALWAYS AS (gridops_camera_fov(geom, heading_deg, fov_deg, range_m, ptz)) STORED;
CREATE INDEX cameras_fov_idx ON cameras USING gist (fov);

-- The covering cameras of a point (server/video/camera-coverage.sql.ts): those whose field of view contains
-- it, then the nearest others within fallback_m, covering first, each group online first, then by distance on
-- the sphere, then code; at most max_count. SECURITY INVOKER: row-level security applies to the caller.
-- A PL/pgSQL function so that its plan is made once per session and reused (as a statement it was planned on
-- every call: the embedded database has no prepared-statement cache, and the plan costs more than the run).
-- Indexes: cameras_fov_idx (&& then ST_Intersects; both LEAKPROOF, migration 0006), cameras_geom_idx (KNN).
CREATE FUNCTION gridops_covering_cameras(p_lon double precision, p_lat double precision, max_count integer, fallback_m double precision)
  RETURNS TABLE (code text, name text, online boolean, ptz boolean, preset_headings double precision[],
                 heading_deg double precision, fov_deg double precision, range_m double precision, has_stream boolean,
                 lon double precision, lat double precision, distance_m double precision, covers boolean, generated boolean)
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
#variable_conflict use_column
DECLARE
  p geometry := ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326);
BEGIN
  RETURN QUERY
  WITH candidates AS (
    SELECT c.id FROM cameras c WHERE c.fov && p AND ST_Intersects(c.fov, p)
    UNION
    (SELECT c.id FROM cameras c ORDER BY c.geom <-> p LIMIT max_count * 4))
  SELECT x.code, x.name, x.online, x.ptz, x.preset_headings, x.heading_deg, x.fov_deg, x.range_m, x.has_stream,
         x.lon, x.lat, x.distance_m, x.covers, x.generated
    FROM (SELECT c.code, c.name, c.online, c.ptz, c.preset_headings, c.heading_deg, c.fov_deg, c.range_m,
                 (c.stream_url IS NOT NULL) AS has_stream, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
                 ST_Distance(c.geom::geography, p::geography, false) AS distance_m,
                 ST_Intersects(c.fov, p) AS covers, c.generated
            FROM cameras c JOIN candidates USING (id)) x
   WHERE x.covers OR x.distance_m <= fallback_m
   ORDER BY x.covers DESC, x.online DESC, x.distance_m, x.code
   LIMIT max_count;
END
$$;
GRANT EXECUTE ON FUNCTION gridops_covering_cameras(double precision, double precision, integer, double precision) TO gridops_app;

-- Video-AI detections carry a frame of the camera's picture as the incident's photo.
ALTER TABLE incident_photos DROP CONSTRAINT incident_photos_purpose_check;
ALTER TABLE incident_photos ADD CONSTRAINT incident_photos_purpose_check
  CHECK (purpose IN ('patrol', 'attachment', 'video_ai_snapshot'));
