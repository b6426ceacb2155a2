-- Tile caches of several instances stay correct through boundary changes (issue 24). The instance that publishes a
-- boundary plan invalidates its own cached unit tiles at once (bumpLayerVersion); the others learn of it here: every
-- statement that changes `units` or `unit_edges` bumps the revision of the unit layers (as migration 0009 does for
-- cameras and sensors), and on a real PostgreSQL the tile cache keys the unit layers' tiles by it
-- (server/tiles/tile-cache.ts `revisioned`). The embedded database (one process) does not read these revisions.
INSERT INTO tile_layer_revisions (layer)
VALUES ('districts'), ('streets'), ('communities'), ('grids'), ('micro_grids'), ('unit_boundaries'), ('unit_labels')
ON CONFLICT (layer) DO NOTHING;

-- SECURITY DEFINER like gridops_bump_tile_layer_revision: every layer named in the trigger's arguments, one statement.
CREATE FUNCTION gridops_bump_tile_layer_revisions() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE tile_layer_revisions SET revision = revision + 1 WHERE layer = ANY (TG_ARGV);
  RETURN NULL;
END
$$;
CREATE TRIGGER units_tile_layer_revisions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_bump_tile_layer_revisions('districts', 'streets', 'communities', 'grids', 'micro_grids', 'unit_boundaries', 'unit_labels');
CREATE TRIGGER unit_edges_tile_layer_revisions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_edges
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_bump_tile_layer_revisions('unit_boundaries');
