-- Camera-position QA, likely_gcj02 per camera (issue 21, item 3 of the review work): the rule of migration 0033
-- missed GCJ-02 cameras that, as given, happen to lie within 10 m of another road (recall 0.909 at full scale).
-- The QA now also weighs the evidence of each camera against the batch's own distributions:
--   * each staged camera's distance to the nearest road as given and read as GCJ-02 (capped at 12 m) is kept on
--     the row (road_m_given, road_m_gcj02: shown to the reviewer);
--   * the rule of 0033 ("sure": the GCJ-02 reading on land within 10 m of a road, as given in water or ≥ 10 m from
--     any road and farther than the reading by the margin) splits the batch into two groups; from them, histograms
--     (1 m bins, 0–11 m and ≥ 12 m, add-one smoothed) of the distance of a camera at its true place ("close":
--     given for the others, GCJ-02 for the sure ones) and at the wrong reading ("random": the other one);
--   * the prior is the share of sure cameras in the batch (add-one smoothed: a batch decided GCJ-02 has a high one);
--   * a camera whose GCJ-02 reading is on land within 10 m of a road is also flagged when its posterior odds
--       prior/(1 − prior) × random(given) × close(gcj) / (close(given) × random(gcj))  ≥ 1,
--     i.e. when where it is given looks like where wrong cameras fall and its GCJ-02 reading like where right ones
--     stand, more than the batch's rarity of GCJ-02 cameras says otherwise (gcj02_odds, kept on the row).
-- A camera that lies as close to a road as given as its reading is never flagged this way (the ratio is ≤ 1 there
-- for any batch whose right cameras stand nearer to roads than random points do).

ALTER TABLE camera_import_rows
  ADD COLUMN road_m_given double precision,
  ADD COLUMN road_m_gcj02 double precision,
  ADD COLUMN gcj02_odds double precision;

CREATE OR REPLACE FUNCTION gridops_camera_import_qa(p_batch bigint) RETURNS void
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  j text;
  batch_gcj boolean;
  cap CONSTANT double precision := 12;
  n_all integer;
  n_sure integer;
  prior_odds double precision;
  close_p double precision[];
  random_p double precision[];
BEGIN
  SELECT jurisdiction_code INTO j FROM camera_import_batches WHERE id = p_batch;
  IF j IS NULL THEN RAISE EXCEPTION 'no batch %', p_batch; END IF;

  CREATE TEMP TABLE IF NOT EXISTS camera_import_qa_work2 (
    line integer PRIMARY KEY, given_m double precision, gcj_m double precision, gcj_on_road boolean, sure boolean,
    odds double precision, gcj_ok boolean, at geometry, micro_grid text, in_water boolean, near_road boolean) ON COMMIT DROP;
  TRUNCATE camera_import_qa_work2;

  INSERT INTO camera_import_qa_work2 (line, given_m, gcj_m, gcj_on_road)
  SELECT r.line, gridops_road_distance(r.geom, cap), g.road_m,
         CASE WHEN r.gcj_geom IS NOT NULL
              THEN g.road_m < 10 AND NOT gridops_in_water(r.gcj_geom) AND gridops_camera_import_micro_grid(r.gcj_geom) IS NOT NULL END
    FROM camera_import_rows r
    LEFT JOIN LATERAL (SELECT gridops_road_distance(r.gcj_geom, cap) AS road_m WHERE r.gcj_geom IS NOT NULL) g ON true
   WHERE r.batch_id = p_batch;

  UPDATE camera_import_batches b SET
    on_road_share_given = s.given, on_road_share_gcj02 = s.gcj,
    likely_gcj02 = coalesce(s.gcj >= s.given + 0.25 AND s.gcj >= 2 * s.given, false)
    FROM (SELECT avg((given_m < 10)::int) AS given, avg(gcj_on_road::int) FILTER (WHERE gcj_on_road IS NOT NULL) AS gcj
            FROM camera_import_qa_work2) s
   WHERE b.id = p_batch
  RETURNING b.likely_gcj02 INTO batch_gcj;

  -- The sure ones (migration 0033's rule; given_m is exact below the cap, beyond it the road test decides).
  UPDATE camera_import_qa_work2 w SET sure = w.given_m >= 10
           AND (gridops_in_water(r.geom)
                OR w.given_m < cap AND w.given_m > w.gcj_m + CASE WHEN batch_gcj THEN 5 ELSE 10 END
                OR w.given_m >= cap AND NOT gridops_road_within(r.geom, w.gcj_m + CASE WHEN batch_gcj THEN 5 ELSE 10 END))
    FROM camera_import_rows r WHERE r.batch_id = p_batch AND r.line = w.line AND w.gcj_on_road;

  -- The batch's distributions (only cameras with a GCJ-02 reading: files declared WGS84 / CGCS2000).
  SELECT count(*)::int, count(*) FILTER (WHERE sure)::int INTO n_all, n_sure FROM camera_import_qa_work2 WHERE gcj_m IS NOT NULL;
  IF n_all > 0 THEN
    prior_odds := (n_sure + 1)::float8 / (n_all - n_sure + 1);
    SELECT array_agg((coalesce(c.n, 0) + 1)::float8 / (n_all + 13) ORDER BY b.bin),
           array_agg((coalesce(x.n, 0) + 1)::float8 / (n_all + 13) ORDER BY b.bin)
      INTO close_p, random_p
      FROM generate_series(0, 12) b(bin)
      LEFT JOIN (SELECT least(floor(CASE WHEN sure THEN gcj_m ELSE given_m END), 12)::int AS bin, count(*) AS n
                   FROM camera_import_qa_work2 WHERE gcj_m IS NOT NULL GROUP BY 1) c ON c.bin = b.bin
      LEFT JOIN (SELECT least(floor(CASE WHEN sure THEN given_m ELSE gcj_m END), 12)::int AS bin, count(*) AS n
                   FROM camera_import_qa_work2 WHERE gcj_m IS NOT NULL GROUP BY 1) x ON x.bin = b.bin;
    -- Arrays are 1-based: bin k at k + 1.
    UPDATE camera_import_qa_work2 w SET odds = prior_odds
             * random_p[least(floor(w.given_m), 12)::int + 1] * close_p[least(floor(w.gcj_m), 12)::int + 1]
             / (close_p[least(floor(w.given_m), 12)::int + 1] * random_p[least(floor(w.gcj_m), 12)::int + 1])
     WHERE w.gcj_m IS NOT NULL;
  END IF;

  UPDATE camera_import_qa_work2 w SET gcj_ok = w.gcj_on_road AND (w.sure OR w.odds >= 1);

  UPDATE camera_import_qa_work2 w SET at = CASE WHEN w.gcj_ok THEN r.gcj_geom ELSE r.geom END
    FROM camera_import_rows r WHERE r.batch_id = p_batch AND r.line = w.line;
  UPDATE camera_import_qa_work2 w SET micro_grid = gridops_camera_import_micro_grid(w.at);
  UPDATE camera_import_qa_work2 w SET in_water = gridops_in_water(w.at),
                                      near_road = CASE WHEN coalesce(w.gcj_ok, false) THEN w.gcj_m < 50 ELSE w.given_m < 10 OR gridops_road_within(w.at, 50) END
   WHERE w.micro_grid IS NOT NULL;

  UPDATE camera_import_rows r SET
    micro_grid_code = w.micro_grid,
    road_m_given = w.given_m,
    road_m_gcj02 = w.gcj_m,
    gcj02_odds = w.odds,
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
    FROM camera_import_qa_work2 w
   WHERE r.batch_id = p_batch AND r.line = w.line;

  UPDATE camera_import_batches SET qa_done_at = clock_timestamp() WHERE id = p_batch;
END
$$;
