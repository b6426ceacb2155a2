-- Review of camera import batches (issue 21, item 4; server/video/import/camera-review.sql.ts): an administrator
-- accepts, moves or rejects a staged camera; an accepted camera joins the live cameras table (a new code is
-- inserted, an existing code's camera is corrected), its field of view generated there (migration 0017).

-- Ids for cameras that come from imports (the seed numbers its cameras from 1).
CREATE SEQUENCE cameras_import_id_seq START 20000000;
GRANT USAGE ON SEQUENCE cameras_import_id_seq TO gridops_app;
GRANT INSERT, UPDATE (name, geom, heading_deg, fov_deg, range_m, stream_url, source_crs, source_lon, source_lat, micro_grid_code, generated)
  ON cameras TO gridops_app;

-- Administrators write cameras within their jurisdiction only (the position's micro-grid).
CREATE POLICY cameras_admin_insert ON cameras FOR INSERT TO gridops_app
  WITH CHECK (current_setting('gridops.role', true) = 'admin' AND gridops_within_jurisdiction(micro_grid_code));
CREATE POLICY cameras_admin_update ON cameras FOR UPDATE TO gridops_app
  USING (current_setting('gridops.role', true) = 'admin' AND (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(micro_grid_code)))
  WITH CHECK (current_setting('gridops.role', true) = 'admin' AND gridops_within_jurisdiction(micro_grid_code));

-- Where the review puts a staged camera: its moved position, else the QA's judged one (the GCJ-02 reading of a
-- likely_gcj02 camera), else as given.
ALTER TABLE camera_import_rows
  ADD COLUMN moved_geom geometry(Point, 4326),
  ADD COLUMN camera_code text;
