-- gridops_partition(parent, n, key, residential_weight) → (ord, geom): n cells that exactly tile `parent`.
-- Seeds: 4n candidate points in the polygon (a hashed sequence keyed by `key`), of which
-- n are drawn by weighted sampling without replacement (Efraimidis–Spirakis: largest ln(u)/w), points on
-- residential landuse weighing `residential_weight`, others 1 — so cells are smaller where people live.
-- Two half-step Lloyd relaxations even the shapes; the Voronoi cells of the seeds are clipped to the
-- parent, so neighbouring cells share their Voronoi edges exactly and the clipped cells tile the parent.
-- ord numbers the cells in reading order (north to south, then west to east).
-- Overlays use a 1e-9° (0.1 mm) precision grid: the embedded PostGIS (WASM) silently drops the row of a
-- floating-point overlay that hits a topology exception; snap-rounded overlay (OverlayNG) cannot fail so.
-- Relies on osm_landuse_geom_idx. STABLE: it reads osm_landuse.
CREATE FUNCTION gridops_partition(parent geometry, n integer, key text, residential_weight double precision)
RETURNS TABLE (ord integer, geom geometry)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  seeds geometry;
  iteration integer;
  tries integer;
BEGIN
  IF n <= 1 THEN
    RETURN QUERY SELECT 1, ST_Multi(parent);
    RETURN;
  END IF;

  -- Candidates: the first 4n of a hashed point sequence over the bounding box that fall inside the
  -- parent (rejection sampling; the same points on every PostGIS/GEOS version, unlike ST_GeneratePoints).
  tries := least(200000, 50 + ceil(4 * n * 1.5 * (ST_XMax(parent) - ST_XMin(parent)) * (ST_YMax(parent) - ST_YMin(parent))
                                  / greatest(ST_Area(parent), 1e-18))::integer);
  SELECT ST_Collect(s.pt) INTO seeds
    FROM (SELECT c.pt
            FROM (SELECT inside.i, inside.pt
                    FROM (SELECT k.i,
                                 ST_SetSRID(ST_MakePoint(
                                   ST_XMin(parent) + (ST_XMax(parent) - ST_XMin(parent)) * gridops_unit_random(key || ':x:' || k.i),
                                   ST_YMin(parent) + (ST_YMax(parent) - ST_YMin(parent)) * gridops_unit_random(key || ':y:' || k.i)),
                                   ST_SRID(parent)) AS pt
                            FROM generate_series(1, tries) AS k(i)) inside
                   WHERE ST_Intersects(parent, inside.pt)
                   ORDER BY inside.i
                   LIMIT n * 4) c
           ORDER BY ln(greatest(gridops_unit_random(key || ':' || c.i), 1e-12))
                    / CASE WHEN EXISTS (SELECT 1 FROM osm_landuse l
                                         WHERE l.fclass = 'residential' AND ST_Intersects(l.geom, c.pt))
                           THEN residential_weight ELSE 1 END DESC,
                    c.i
           LIMIT n) s;
  IF ST_NumGeometries(seeds) IS DISTINCT FROM n THEN
    RAISE EXCEPTION 'gridops_partition(%): found % seed points for % cells', key, ST_NumGeometries(seeds), n;
  END IF;

  FOR iteration IN 1..2 LOOP
    SELECT ST_Collect(moved.pt) INTO seeds
      FROM (SELECT CASE WHEN ST_Intersects(parent, half.pt) THEN half.pt ELSE site.pt END AS pt
              FROM (SELECT (ST_Dump(seeds)).geom AS pt) site
              CROSS JOIN LATERAL (
                SELECT ST_Centroid(ST_Intersection(v.cell, parent, 1e-9)) AS c
                  FROM (SELECT (ST_Dump(ST_VoronoiPolygons(seeds, 0, parent))).geom AS cell) v
                 WHERE ST_Intersects(v.cell, site.pt)
                 LIMIT 1) centre
              CROSS JOIN LATERAL (
                SELECT CASE WHEN centre.c IS NULL OR ST_IsEmpty(centre.c) THEN site.pt
                            ELSE ST_SetSRID(ST_MakePoint((ST_X(site.pt) + ST_X(centre.c)) / 2, (ST_Y(site.pt) + ST_Y(centre.c)) / 2), ST_SRID(parent))
                       END AS pt) half) moved;
  END LOOP;

  RETURN QUERY
  SELECT (row_number() OVER (ORDER BY ST_Y(ST_PointOnSurface(x.g)) DESC, ST_X(ST_PointOnSurface(x.g))))::integer, x.g
    FROM (SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(v.cell, parent, 1e-9), 3)) AS g
            FROM (SELECT (ST_Dump(ST_VoronoiPolygons(seeds, 0, parent))).geom AS cell) v) x
   WHERE NOT ST_IsEmpty(x.g);
END;
$$;

-- Scratch table of the seed: cells produced by gridops_partition before they become units.
CREATE UNLOGGED TABLE seed_cells (
  parent_code text NOT NULL,
  ord integer NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  PRIMARY KEY (parent_code, ord)
);
CREATE INDEX seed_cells_geom_idx ON seed_cells USING gist (geom);
