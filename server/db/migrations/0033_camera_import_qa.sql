-- Camera-position quality control (issue 21, item 4): import batches, their staged cameras, and the QA that
-- flags each camera with reason codes (server/video/import/). Rows are staged as given (source_lon/lat in the
-- declared CRS) with their WGS84 position (geom) and, for files declared WGS84/CGCS2000, the position the
-- coordinates would have if they were in fact GCJ-02 (gcj_geom: the undeclared-offset reading).

CREATE TABLE camera_import_batches (
  id bigserial PRIMARY KEY,
  file_name text NOT NULL,
  declared_crs text NOT NULL CHECK (declared_crs IN ('wgs84', 'gcj02', 'bd09', 'cgcs2000')),
  -- The importer's jurisdiction ('city' or a unit code): who may see the batch, and outside_jurisdiction.
  jurisdiction_code text NOT NULL,
  created_by integer REFERENCES accounts (id),
  created_at timestamptz NOT NULL,
  rows_staged integer NOT NULL DEFAULT 0,
  -- Malformed lines: [{line, reason}], the first 1,000 of them; rows_refused counts all.
  row_errors jsonb NOT NULL DEFAULT '[]',
  rows_refused integer NOT NULL DEFAULT 0,
  -- The per-batch GCJ-02 verdict: shares of the cameras within 10 m of a road as given and as GCJ-02.
  on_road_share_given double precision,
  on_road_share_gcj02 double precision,
  likely_gcj02 boolean,
  qa_done_at timestamptz
);

CREATE TABLE camera_import_rows (
  batch_id bigint NOT NULL REFERENCES camera_import_batches (id) ON DELETE CASCADE,
  line integer NOT NULL,
  jurisdiction_code text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  source_lon double precision NOT NULL,
  source_lat double precision NOT NULL,
  geom geometry(Point, 4326) NOT NULL,
  gcj_geom geometry(Point, 4326),
  -- As given: NULL when missing; outside [0, 360) is kept for heading_impossible.
  heading_deg double precision,
  fov_deg double precision NOT NULL CHECK (fov_deg > 0 AND fov_deg <= 360),
  range_m double precision NOT NULL CHECK (range_m > 0),
  stream_url text,
  micro_grid_code text,
  flags text[] NOT NULL DEFAULT '{}',
  review_state text NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending', 'accepted', 'rejected')),
  reviewed_by integer REFERENCES accounts (id),
  reviewed_at timestamptz,
  PRIMARY KEY (batch_id, line)
);
CREATE INDEX camera_import_rows_code_idx ON camera_import_rows (batch_id, code);
CREATE INDEX camera_import_rows_name_idx ON camera_import_rows (batch_id, name);
CREATE INDEX camera_import_rows_flags_idx ON camera_import_rows USING gin (flags);

GRANT SELECT, INSERT, UPDATE ON camera_import_batches, camera_import_rows TO gridops_app;
GRANT USAGE ON SEQUENCE camera_import_batches_id_seq TO gridops_app;

ALTER TABLE camera_import_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE camera_import_batches FORCE ROW LEVEL SECURITY;
CREATE POLICY camera_import_batches_owner ON camera_import_batches TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY camera_import_batches_scoped ON camera_import_batches TO gridops_app
  USING (gridops_within_jurisdiction(jurisdiction_code)) WITH CHECK (gridops_within_jurisdiction(jurisdiction_code));
ALTER TABLE camera_import_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE camera_import_rows FORCE ROW LEVEL SECURITY;
CREATE POLICY camera_import_rows_owner ON camera_import_rows TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY camera_import_rows_scoped ON camera_import_rows TO gridops_app
  USING (gridops_within_jurisdiction(jurisdiction_code)) WITH CHECK (gridops_within_jurisdiction(jurisdiction_code));

-- The current micro-grid containing p, whoever asks (row-level security on units would hide other
-- jurisdictions' grids, and "outside Nanjing" must not depend on the caller). Returns only the code.
CREATE FUNCTION gridops_camera_import_micro_grid(p geometry) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = public AS $$
  SELECT code FROM units WHERE level = 'micro_grid' AND valid_to IS NULL AND geom && p AND ST_Intersects(geom, p)
   ORDER BY code LIMIT 1
$$;
GRANT EXECUTE ON FUNCTION gridops_camera_import_micro_grid(geometry) TO gridops_app;

-- Whether a road lies within m metres of p (index road_edges_geom_idx through the bounding box; 1° ≥ 92 km here).
CREATE FUNCTION gridops_road_within(p geometry, m double precision) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT EXISTS (SELECT 1 FROM road_edges e WHERE e.geom && ST_Expand(p, m / 90000.0)
                    AND ST_DWithin(e.geom::geography, p::geography, m, false))
$$;

-- The distance in metres from p to the nearest road, or cap when none lies within cap (road_edges_geom_idx).
CREATE FUNCTION gridops_road_distance(p geometry, cap double precision) RETURNS double precision
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(min(ST_Distance(e.geom::geography, p::geography, false)), cap)
    FROM road_edges e WHERE e.geom && ST_Expand(p, cap / 90000.0) AND ST_DWithin(e.geom::geography, p::geography, cap, false)
$$;

-- Whether p lies in water (index osm_water_geom_idx).
CREATE FUNCTION gridops_in_water(p geometry) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT EXISTS (SELECT 1 FROM osm_water w WHERE w.geom && p AND ST_Intersects(w.geom, p))
$$;

-- The QA of one batch: sets flags on every staged row and the batch's GCJ-02 verdict. Reason codes:
--   outside_nanjing      not in any current micro-grid of the city
--   outside_jurisdiction in the city, but not in the importer's jurisdiction
--   in_water             inside a water polygon (OSM)
--   far_from_road        no road within 50 m (not said of a camera in water: in_water is the reason)
--   duplicate_code       another row of the batch has the same code
--   duplicate_nearby     another row of the batch with the same name lies within 5 m
--   heading_missing      no heading given; heading_impossible: outside [0, 360)
--   likely_gcj02         declared WGS84/CGCS2000, but read as GCJ-02 it lies on land within 10 m of a road
--                        in the city while as given it lies in water or ≥ 10 m farther from any road (≥ 5 m
--                        in a batch whose verdict is likely_gcj02); the other position flags are then judged
--                        at the GCJ-02 reading (the suggested correction).
-- The batch's verdict (decided first): within 10 m of a road, the share as given vs. as GCJ-02; likely_gcj02
-- when the GCJ-02 reading is systematically better (≥ 25 points more, and at least twice the share).
-- SECURITY INVOKER: runs in the importer's scope (row-level security on the staged rows).
CREATE FUNCTION gridops_camera_import_qa(p_batch bigint) RETURNS void
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  j text;
  batch_gcj boolean;
BEGIN
  SELECT jurisdiction_code INTO j FROM camera_import_batches WHERE id = p_batch;
  IF j IS NULL THEN RAISE EXCEPTION 'no batch %', p_batch; END IF;

  CREATE TEMP TABLE IF NOT EXISTS camera_import_qa_work (
    line integer PRIMARY KEY, given_on_road boolean, gcj_on_road boolean, gcj_road_m double precision, gcj_ok boolean,
    at geometry, micro_grid text, in_water boolean, near_road boolean) ON COMMIT DROP;
  TRUNCATE camera_import_qa_work;

  INSERT INTO camera_import_qa_work (line, given_on_road, gcj_road_m, gcj_on_road)
  SELECT r.line, gridops_road_within(r.geom, 10), g.road_m,
         CASE WHEN r.gcj_geom IS NOT NULL
              THEN g.road_m < 10 AND NOT gridops_in_water(r.gcj_geom) AND gridops_camera_import_micro_grid(r.gcj_geom) IS NOT NULL END
    FROM camera_import_rows r
    LEFT JOIN LATERAL (SELECT gridops_road_distance(r.gcj_geom, 10) AS road_m WHERE r.gcj_geom IS NOT NULL) g ON true
   WHERE r.batch_id = p_batch;

  UPDATE camera_import_batches b SET
    on_road_share_given = s.given, on_road_share_gcj02 = s.gcj,
    likely_gcj02 = coalesce(s.gcj >= s.given + 0.25 AND s.gcj >= 2 * s.given, false)
    FROM (SELECT avg(given_on_road::int) AS given, avg(gcj_on_road::int) FILTER (WHERE gcj_on_road IS NOT NULL) AS gcj
            FROM camera_import_qa_work) s
   WHERE b.id = p_batch
  RETURNING b.likely_gcj02 INTO batch_gcj;

  UPDATE camera_import_qa_work w SET gcj_ok = w.gcj_on_road AND NOT w.given_on_road
           AND (gridops_in_water(r.geom)
                OR NOT gridops_road_within(r.geom, w.gcj_road_m + CASE WHEN batch_gcj THEN 5 ELSE 10 END))
    FROM camera_import_rows r WHERE r.batch_id = p_batch AND r.line = w.line AND w.gcj_on_road;

  UPDATE camera_import_qa_work w SET at = CASE WHEN w.gcj_ok THEN r.gcj_geom ELSE r.geom END
    FROM camera_import_rows r WHERE r.batch_id = p_batch AND r.line = w.line;
  UPDATE camera_import_qa_work w SET micro_grid = gridops_camera_import_micro_grid(w.at);
  UPDATE camera_import_qa_work w SET in_water = gridops_in_water(w.at),
                                     near_road = w.given_on_road AND NOT coalesce(w.gcj_ok, false) OR gridops_road_within(w.at, 50)
   WHERE w.micro_grid IS NOT NULL;

  UPDATE camera_import_rows r SET
    micro_grid_code = w.micro_grid,
    flags = array_remove(ARRAY[
      CASE WHEN w.micro_grid IS NULL THEN 'outside_nanjing' END,
      CASE WHEN w.micro_grid IS NOT NULL AND NOT (j = 'city' OR w.micro_grid LIKE j || '%') THEN 'outside_jurisdiction' END,
      CASE WHEN w.in_water THEN 'in_water' END,
      CASE WHEN w.micro_grid IS NOT NULL AND NOT w.near_road AND NOT w.in_water THEN 'far_from_road' END,
      CASE WHEN EXISTS (SELECT 1 FROM camera_import_rows o WHERE o.batch_id = p_batch AND o.code = r.code AND o.line <> r.line)
           THEN 'duplicate_code' END,
      CASE WHEN EXISTS (SELECT 1 FROM camera_import_rows o WHERE o.batch_id = p_batch AND o.name = r.name AND o.line <> r.line
                           AND ST_DWithin(o.geom::geography, r.geom::geography, 5, false)) THEN 'duplicate_nearby' END,
      CASE WHEN r.heading_deg IS NULL THEN 'heading_missing' END,
      CASE WHEN r.heading_deg < 0 OR r.heading_deg >= 360 OR r.heading_deg = 'NaN' THEN 'heading_impossible' END,
      CASE WHEN w.gcj_ok THEN 'likely_gcj02' END], NULL)
    FROM camera_import_qa_work w
   WHERE r.batch_id = p_batch AND r.line = w.line;

  UPDATE camera_import_batches SET qa_done_at = clock_timestamp() WHERE id = p_batch;
END
$$;
GRANT EXECUTE ON FUNCTION gridops_camera_import_qa(bigint) TO gridops_app;
