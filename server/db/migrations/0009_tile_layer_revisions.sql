-- A revision per table behind a vector-tile layer that changes outside the application: the device state of
-- cameras and sensors comes from the device platforms, or an import, not from an API of this server. A
-- statement trigger bumps the layer's revision on every change; the tile cache keys those layers' tiles by it
-- (server/tiles/layer-revisions.ts): tiles of unchanged devices stay cached, a change is drawn anew.
CREATE TABLE tile_layer_revisions (
  layer text PRIMARY KEY,
  revision bigint NOT NULL DEFAULT 0
);
INSERT INTO tile_layer_revisions (layer) VALUES ('cameras'), ('sensors');

-- SECURITY DEFINER: whoever may write the devices bumps the revision, without a grant on this table.
CREATE FUNCTION gridops_bump_tile_layer_revision() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE tile_layer_revisions SET revision = revision + 1 WHERE layer = TG_ARGV[0];
  RETURN NULL;
END
$$;
CREATE TRIGGER cameras_tile_layer_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cameras
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_bump_tile_layer_revision('cameras');
CREATE TRIGGER sensors_tile_layer_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sensors
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_bump_tile_layer_revision('sensors');

GRANT SELECT ON tile_layer_revisions TO gridops_app;
