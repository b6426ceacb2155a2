/** SQL of the routing module: reading the road graph in pages, and the straight-line pre-filter of responders. */
import { defineSql } from '../db/database.js';

/*
 * The graph is read as one row of arrays per page, not one row per vertex or edge: both drivers build a
 * JavaScript object per row, which made a row per edge about four times slower (measured on the
 * embedded database: 321,958 edges in ≈ 6 s as rows, ≈ 1.5 s as arrays). float8 values travel in
 * PostgreSQL's shortest exact text form, so the numbers arrive bit for bit.
 */

/**
 * A page of road vertices after id $1, at most $2 of them (keyset paging).
 * $1 last id of the previous page (-1 first), $2 page size.
 * Result: one row of arrays in ascending id: id int[], lon float8[], lat float8[] (WGS84); NULLs past
 * the last page. Index: road_vertices_pkey.
 */
export const readRoadVerticesPage = defineSql(
  'routing.read_road_vertices_page',
  `SELECT array_agg(id ORDER BY id) AS id, array_agg(ST_X(geom) ORDER BY id) AS lon, array_agg(ST_Y(geom) ORDER BY id) AS lat
     FROM (SELECT id, geom FROM road_vertices WHERE id > $1 ORDER BY id LIMIT $2) page`,
);

/**
 * A page of directed road edges after id $1, at most $2 of them (keyset paging).
 * $1 last id of the previous page (-1 first), $2 page size.
 * Result: one row of arrays in ascending id: id, source, target int[], length_m, travel_time_s float8[];
 * NULLs past the last page. Index: road_edges_pkey.
 */
export const readRoadEdgesPage = defineSql(
  'routing.read_road_edges_page',
  `SELECT array_agg(id ORDER BY id) AS id, array_agg(source ORDER BY id) AS source, array_agg(target ORDER BY id) AS target,
          array_agg(length_m ORDER BY id) AS length_m, array_agg(travel_time_s ORDER BY id) AS travel_time_s
     FROM (SELECT id, source, target, length_m, travel_time_s FROM road_edges WHERE id > $1 ORDER BY id LIMIT $2) page`,
);

/**
 * The $3 on-duty workers nearest to a point by straight line, with a known position, optionally only
 * those with skill $4: the pre-filter of dispatch, ranked afterwards by road (recommend-responders.ts).
 * $1 lon, $2 lat (WGS84), $3 pool size, $4 skill text or NULL. Workers booked on an active case are left out.
 * Result: code, name, role, home_unit_code, lon, lat (float8), position_at_ms (float8, epoch milliseconds,
 * NULL when unknown), straight_line_m (float8, on the spheroid), nearest first by planar distance in
 * degrees (the index order; only the pool, not the final order, depends on it).
 * Index: workers_position_idx (GiST, KNN ordering by <->); duty and skill are filters on that scan.
 * ORDER BY holds the distance alone: a tie-breaking second key (w.code) made PostgreSQL 15 sort the
 * whole table instead of walking the index (measured at 44,688 workers; PostgreSQL 18 added an
 * incremental sort). Exact ties at the edge of the pool are left to the index.
 * Row-level security (migration 0004) restricts the rows to the caller's jurisdiction when the
 * Queryable is a scoped one.
 */
export const listNearestOnDutyWorkers = defineSql(
  'routing.list_nearest_on_duty_workers',
  `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326) AS g)
   SELECT w.code, w.name, w.role, w.home_unit_code,
          ST_X(w.last_position) AS lon, ST_Y(w.last_position) AS lat,
          (extract(epoch FROM w.last_position_at) * 1000)::float8 AS position_at_ms,
          ST_Distance(w.last_position::geography, pt.g::geography) AS straight_line_m
     FROM workers w, pt
    WHERE w.duty_status = 'on_duty'
      AND w.last_position IS NOT NULL
      AND ($4::text IS NULL OR w.skills @> ARRAY[$4::text])
      -- Not booked on an active case (incidents_one_active_case_per_worker).
      AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.assigned_worker_code = w.code AND i.state IN ('dispatched', 'on_scene'))
    ORDER BY w.last_position <-> pt.g
    LIMIT $3`,
);
