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
