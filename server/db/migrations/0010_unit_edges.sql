-- The unit hierarchy's boundaries as edges, each drawn once: the line shared by two neighbouring units of one
-- level and one parent, or a district's part of the city's outer boundary. An edge belongs to the coarsest level
-- whose boundary it lies on: the edge between two micro-grids of different grids is the grids' edge (or the
-- communities', …), not the micro-grids'. So every piece of every unit's boundary lies on exactly one edge.
--
-- Why: the map drew each unit's boundary as its polygon's ring, so every interior edge twice (once per
-- neighbour), and every grid, community, street and district boundary again over the finer rings along it:
-- over all of Nanjing 944° of line for 255° of edges. In software WebGL a frame's cost follows the lines'
-- vertices and pixels (BENCHMARKS.md). The vector-tile layer unit_boundaries is drawn from this table.
--
-- Derived from units: gridops_rebuild_unit_edges() builds it again, and must run after units change (the seed
-- runs it after the hierarchy; this migration runs it for a database seeded before it).
CREATE TABLE unit_edges (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid', 'micro_grid')),
  -- The units on either side (left_code < right_code); right_code NULL: the city's outer boundary.
  left_code text NOT NULL REFERENCES units (code) ON DELETE CASCADE,
  right_code text REFERENCES units (code) ON DELETE CASCADE,
  -- Real (district) boundaries are not generated; every finer level is.
  generated boolean NOT NULL,
  geom geometry(MultiLineString, 4326) NOT NULL,
  CHECK (right_code IS NULL OR left_code < right_code),
  CHECK ((right_code IS NULL) <= (level = 'district'))
);
CREATE INDEX unit_edges_geom_idx ON unit_edges USING gist (geom);
CREATE INDEX unit_edges_level_idx ON unit_edges (level);

-- Shared lines are found by overlay on a 1e-9° grid (0.1 mm): a vertex of one unit lying on its neighbour's
-- edge only to floating-point precision is noded onto it, so no shared stretch is lost, and no vertex moves
-- by more than half a grid step (vector tiles snap to about half a metre at their finest, z14).
CREATE FUNCTION gridops_rebuild_unit_edges() RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  grid_size CONSTANT double precision := 1e-9;
  edges integer;
BEGIN
  DELETE FROM unit_edges;
  -- Neighbours of one parent (units_parent_idx and units_geom_idx find them), and neighbouring districts.
  -- OFFSET 0 keeps the overlay from being computed twice, once for the filter and once for the row.
  INSERT INTO unit_edges (level, left_code, right_code, generated, geom)
  SELECT a.level, a.code, b.code, a.generated OR b.generated, ST_Multi(x.g)
    FROM units a
    JOIN units b ON (b.parent_code = a.parent_code OR (a.level = 'district' AND b.level = 'district'))
                AND a.code < b.code AND a.geom && b.geom
   CROSS JOIN LATERAL (
     SELECT ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom), grid_size), 2)) AS g
     OFFSET 0) x
   WHERE NOT ST_IsEmpty(x.g);
  -- The city's outer boundary, each district its own part of it.
  INSERT INTO unit_edges (level, left_code, right_code, generated, geom)
  SELECT 'district', d.code, NULL, d.generated, ST_Multi(x.g)
    FROM units d,
         (SELECT ST_Boundary(ST_Union(geom, grid_size)) AS outline FROM units WHERE level = 'district') city
   CROSS JOIN LATERAL (
     SELECT ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Boundary(d.geom), city.outline, grid_size), 2)) AS g
     OFFSET 0) x
   WHERE d.level = 'district' AND NOT ST_IsEmpty(x.g);
  SELECT count(*) INTO edges FROM unit_edges;
  RETURN edges;
END
$$;
REVOKE EXECUTE ON FUNCTION gridops_rebuild_unit_edges() FROM PUBLIC;

GRANT SELECT ON unit_edges TO gridops_app;

-- An edge is seen by whoever sees a unit on either side of it (units_scoped): a street's dispatcher sees the
-- street's whole boundary, not the boundaries between the other streets of its district.
ALTER TABLE unit_edges ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_edges FORCE ROW LEVEL SECURITY;
CREATE POLICY unit_edges_owner ON unit_edges TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY unit_edges_scoped ON unit_edges FOR SELECT TO gridops_app
  USING (gridops_unit_visible(left_code) OR (right_code IS NOT NULL AND gridops_unit_visible(right_code)));

SELECT gridops_rebuild_unit_edges();
