-- A revision per reference table that changes rarely (the unit hierarchy: seed and boundary-plan publication;
-- the road graph: imports), bumped by a statement trigger on every change, like tile_layer_revisions (0009) for
-- the devices. The OGC API keys its cached numberMatched by it (server/ogc/ogc-count-cache.ts): a count stays
-- exact, and counting 41,149 micro-grids under row-level security happens once per revision, not per request.
CREATE TABLE table_revisions (
  table_name text PRIMARY KEY,
  revision bigint NOT NULL DEFAULT 0
);
INSERT INTO table_revisions (table_name) VALUES ('units'), ('road_edges');

-- SECURITY DEFINER: whoever may write the table bumps its revision, without a grant on this one.
CREATE FUNCTION gridops_bump_table_revision() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE table_revisions SET revision = revision + 1 WHERE table_name = TG_TABLE_NAME;
  RETURN NULL;
END
$$;
CREATE TRIGGER units_table_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_bump_table_revision();
CREATE TRIGGER road_edges_table_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON road_edges
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_bump_table_revision();

GRANT SELECT ON table_revisions TO gridops_app;
