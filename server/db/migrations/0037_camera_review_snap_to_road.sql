-- Camera review on the map (issue 21, item 4; server/video/import/camera-review.route.ts): "move, snap to road".
-- The nearest point of the nearest road (road_edges, the routing network) within max_m metres of p, or no row.
-- The closest point is taken in Web Mercator (conformal: within a few hundred metres the nearest point in metres
-- is the nearest point there), the distance on the geography. Index: road_edges_geom_idx (bounding box
-- prefilter; 1° ≥ 92 km at Nanjing's latitude, so max_m / 90000 degrees covers max_m metres).
CREATE FUNCTION gridops_snap_to_road(p geometry, max_m double precision)
  RETURNS TABLE (lon double precision, lat double precision, distance_m double precision, road_class text, edge_id integer)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT ST_X(s.at), ST_Y(s.at), s.m, s.road_class, s.id
    FROM (SELECT e.id, e.road_class,
                 ST_Transform(ST_ClosestPoint(ST_Transform(e.geom, 3857), ST_Transform(p, 3857)), 4326) AS at,
                 ST_Distance(e.geom::geography, p::geography, false) AS m
            FROM road_edges e
           WHERE e.geom && ST_Expand(p, max_m / 90000.0) AND ST_DWithin(e.geom::geography, p::geography, max_m, false)) s
   ORDER BY s.m, s.id
   LIMIT 1
$$;
GRANT EXECUTE ON FUNCTION gridops_snap_to_road(geometry, double precision) TO gridops_app;
