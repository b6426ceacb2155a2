/**
 * The SQL of boundary plans (issue 20). Plans, their claims on units, the authoritative validation of their
 * edits, the figures behind the balance, the diff, and publication (gridops_publish_boundary_plan, migration
 * 0016). Everything runs in the caller's scope: row-level security limits every read to the jurisdiction.
 * Edits are passed as two parallel arrays: $codes (the moved units) and $targets (their new parents).
 */
import { defineSql } from '../db/database.js';

const PLAN_COLUMNS = `id::integer AS id, name, scope_code, state, based_on_version, edits, author_account_id, author_username,
  warning_reason, submitted_at, approved_by_account_id, approved_by_username, approved_at, rejected_reason, effective_at,
  published_at, published_version, publication, rollback_of_plan_id::integer AS rollback_of_plan_id, created_at, updated_at`;

/** $1 name, $2 scope code, $3 edits jsonb, $4 author id, $5 author username, $6 now, $7 rollback-of plan id → the plan. */
export const insertPlan = defineSql(
  'plans.insert',
  `INSERT INTO boundary_plans (name, scope_code, state, based_on_version, edits, author_account_id, author_username,
                               created_at, updated_at, rollback_of_plan_id)
   VALUES ($1, $2, 'draft', (SELECT max(version) FROM boundary_versions), $3::jsonb, $4, $5, $6, $6, $7)
   RETURNING ${PLAN_COLUMNS}`,
);

/** $1 plan id → the plan (primary key), locked for the transaction. */
export const readPlanForUpdate = defineSql('plans.read_for_update', `SELECT ${PLAN_COLUMNS} FROM boundary_plans WHERE id = $1 FOR UPDATE`);

/** $1 plan id → the plan (primary key). */
export const readPlan = defineSql('plans.read', `SELECT ${PLAN_COLUMNS} FROM boundary_plans WHERE id = $1`);

/** $1 state or NULL, $2 limit → plans visible to the caller, newest first (boundary_plans_state_idx for a state). */
export const listPlans = defineSql(
  'plans.list',
  `SELECT ${PLAN_COLUMNS} FROM boundary_plans WHERE ($1::text IS NULL OR state = $1) ORDER BY id DESC LIMIT $2`,
);

/** $1 plan id, $2 edits jsonb, $3 now → the plan. */
export const updatePlanEdits = defineSql(
  'plans.update_edits',
  `UPDATE boundary_plans SET edits = $2::jsonb, updated_at = $3 WHERE id = $1 RETURNING ${PLAN_COLUMNS}`,
);

/**
 * A state change with its facts: $1 id, $2 state, $3 now, $4 warning reason, $5 approver id, $6 approver name,
 * $7 rejected reason, $8 effective time. NULL keeps a field.
 */
export const updatePlanState = defineSql(
  'plans.update_state',
  `UPDATE boundary_plans
      SET state = $2, updated_at = $3,
          submitted_at = CASE WHEN $2 = 'submitted' THEN $3 ELSE submitted_at END,
          warning_reason = coalesce($4, warning_reason),
          approved_by_account_id = coalesce($5, approved_by_account_id),
          approved_by_username = coalesce($6, approved_by_username),
          approved_at = CASE WHEN $2 = 'approved' THEN $3 ELSE approved_at END,
          rejected_reason = coalesce($7, rejected_reason),
          effective_at = coalesce($8, effective_at)
    WHERE id = $1 RETURNING ${PLAN_COLUMNS}`,
);

/** $1 unit codes, $2 plan id → claims of those units by other plans (primary key of boundary_plan_claims). */
export const findOtherClaims = defineSql(
  'plans.other_claims',
  `SELECT c.unit_code, c.plan_id::integer AS plan_id FROM boundary_plan_claims c WHERE c.unit_code = ANY ($1::text[]) AND c.plan_id <> $2
    ORDER BY c.unit_code`,
);

/** $1 plan id → nothing: the plan's claims released. */
export const releaseClaims = defineSql('plans.release_claims', `DELETE FROM boundary_plan_claims WHERE plan_id = $1`);

/** $1 unit codes, $2 plan id → nothing; a unit claimed by another plan violates the primary key (23505). */
export const insertClaims = defineSql(
  'plans.insert_claims',
  `INSERT INTO boundary_plan_claims (unit_code, plan_id) SELECT DISTINCT unnest($1::text[]), $2::bigint`,
);

/**
 * What each edit names: $1 codes, $2 targets → per edit the unit (level, parent, grandparent) and the target
 * (level, parent), NULL where the caller cannot see it (primary keys of units).
 */
export const resolveEdits = defineSql(
  'plans.resolve_edits',
  `SELECT e.ord::integer AS ord, e.code, e.target,
          u.code AS unit_code, u.level AS unit_level, u.parent_code AS unit_parent, p.parent_code AS unit_grandparent,
          t.code AS target_code, t.level AS target_level, t.parent_code AS target_parent
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS e(code, target, ord)
     LEFT JOIN units u ON u.code = e.code
     LEFT JOIN units p ON p.code = u.parent_code
     LEFT JOIN units t ON t.code = e.target
    ORDER BY e.ord`,
);

/**
 * The changed parents as the plan would make them: $1 codes, $2 targets → per changed parent its children,
 * area (sum of the children's), parts and holes of the union of its children (1e-9° grid, decision 0001: what
 * the children really cover), and, of its outline after the moves (its outline now less the units moved out plus
 * those moved in, on the 1e-9° grid: gridops_parent_outline, migration 0041 — the outline publication writes), the
 * width of its largest inscribed circle (m, on a local equirectangular scale), the area outside its own parent
 * (m²; 0 without an overlay when its parent covers it), the largest overlap with a sibling (m², proposed or
 * unchanged; overlays only where the interiors meet), and per grandparent the union's area
 * before and after (m²). Indexes: units primary key, units_parent_idx, units_geom_idx (&&).
 */
export const checkChangedParents = defineSql(
  'plans.check_changed_parents',
  `WITH e AS (SELECT * FROM unnest($1::text[], $2::text[]) AS e(code, target)),
        moved AS (SELECT u.code, u.parent_code AS source, e.target FROM e JOIN units u ON u.code = e.code),
        affected AS (SELECT source AS code FROM moved UNION SELECT target FROM moved),
        proposed AS (SELECT a.code AS parent, c.geom, c.area_m2 FROM affected a JOIN units c ON c.parent_code = a.code
                      WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.code = c.code)
                     UNION ALL
                     SELECT m.target, c.geom, c.area_m2 FROM moved m JOIN units c ON c.code = m.code),
        shapes AS (SELECT a.code, p.parent_code AS grandparent, p.geom AS current_geom, count(pr.parent)::integer AS children,
                          coalesce(sum(pr.area_m2), 0) AS area_m2,
                          ST_CollectionExtract(ST_UnaryUnion(ST_Collect(pr.geom), 1e-9), 3) AS union_geom,
                          gridops_parent_outline(p.geom,
                            (SELECT ST_Collect(u.geom) FROM moved m JOIN units u ON u.code = m.code WHERE m.source = a.code),
                            (SELECT ST_Collect(u.geom) FROM moved m JOIN units u ON u.code = m.code WHERE m.target = a.code)) AS geom
                     FROM affected a JOIN units p ON p.code = a.code LEFT JOIN proposed pr ON pr.parent = a.code
                    GROUP BY a.code, p.parent_code, p.geom
                    OFFSET 0),
        coverage AS (SELECT s.grandparent,
                            ST_Area(ST_UnaryUnion(ST_Collect(s.current_geom), 1e-9)::geography) AS before_m2,
                            ST_Area(ST_UnaryUnion(ST_Collect(s.geom), 1e-9)::geography) AS after_m2
                       FROM shapes s GROUP BY s.grandparent)
   SELECT s.code, s.grandparent, s.children, s.area_m2,
          CASE WHEN s.children = 0 THEN 0 ELSE ST_NumGeometries(s.union_geom) END AS parts,
          CASE WHEN s.children = 0 THEN 0 ELSE (SELECT sum(ST_NumInteriorRings(d.geom))::integer FROM ST_Dump(s.union_geom) d) END AS holes,
          CASE WHEN s.children = 0 THEN 0
               ELSE 2 * 111320 * (ST_MaximumInscribedCircle(
                        ST_Scale(s.geom, cos(radians(ST_Y(ST_Centroid(s.geom)))), 1))).radius END AS width_m,
          CASE WHEN s.children = 0 OR ST_Covers(g.geom, s.geom) THEN 0
               ELSE ST_Area(ST_Difference(s.geom, g.geom, 1e-9)::geography) END AS outside_m2,
          CASE WHEN s.children = 0 THEN 0
               ELSE coalesce((SELECT max(ST_Area(ST_Intersection(s.geom, o.geom, 1e-10)::geography))
                                FROM (SELECT x.geom FROM shapes x WHERE x.code <> s.code AND x.children > 0
                                      UNION ALL
                                      SELECT u.geom FROM units u WHERE u.parent_code = s.grandparent
                                         AND NOT EXISTS (SELECT 1 FROM affected a WHERE a.code = u.code)) o
                               -- Neighbours only touch: the overlay runs only where the interiors meet. Measured on the
                               -- 1e-10° grid like the tiling check: at 1e-9° long thin slivers collapse to nothing.
                               WHERE o.geom && s.geom AND ST_Relate(s.geom, o.geom, 'T********')), 0) END AS overlap_m2,
          c.before_m2 AS grandparent_before_m2, c.after_m2 AS grandparent_after_m2
     FROM shapes s JOIN units g ON g.code = s.grandparent JOIN coverage c ON c.grandparent = s.grandparent
    ORDER BY s.code`,
);

/**
 * Micro-grids whose households lie outside [$3, $4]: the moved ones and those of the moved grids ($1), and the
 * children of the changed parents ($2 targets and the moved units' parents). units_parent_idx, primary key.
 */
export const findHouseholdsOutOfRange = defineSql(
  'plans.households_out_of_range',
  `WITH moved AS (SELECT u.code, u.parent_code FROM units u WHERE u.code = ANY ($1::text[])),
        parents AS (SELECT parent_code AS code FROM moved UNION SELECT unnest($2::text[]) UNION SELECT code FROM moved),
        candidates AS (SELECT u.code, u.level, u.households FROM parents p JOIN units u ON u.parent_code = p.code
                       UNION
                       SELECT u.code, u.level, u.households FROM units u WHERE u.code = ANY ($1::text[]))
   SELECT code, households FROM candidates
    WHERE level = 'micro_grid' AND (households < $3 OR households > $4)
    ORDER BY code`,
);

/**
 * The balance's figures under one parent ($1, a community for micro-grid moves or a street for grid moves):
 * every unit at the painted level ($2) with its subtree's households, residents, workers (homed on it or below),
 * cameras, sensors, open incidents and incidents reported since $3; and each parent's own row (workers homed on
 * the parent itself). units_parent_idx, workers_home_unit_idx, incidents_micro_grid_idx; cameras and sensors
 * by a hash join.
 */
export const listBalanceFigures = defineSql(
  'plans.balance_figures',
  `WITH parents AS (SELECT code, name FROM units WHERE parent_code = $1),
        kids AS (SELECT u.code, u.name, u.parent_code, u.households, u.population, u.area_m2
                   FROM parents p JOIN units u ON u.parent_code = p.code WHERE u.level = $2::text),
        micro AS (SELECT k.code AS kid, k.code AS micro FROM kids k WHERE $2::text = 'micro_grid'
                  UNION ALL
                  SELECT k.code, m.code FROM kids k JOIN units m ON m.parent_code = k.code WHERE $2::text = 'grid'),
        homes AS (SELECT kid, micro AS home FROM micro UNION SELECT code, code FROM kids),
        w AS (SELECT h.kid, count(*)::integer AS n FROM homes h JOIN workers x ON x.home_unit_code = h.home GROUP BY h.kid),
        c AS (SELECT m.kid, count(*)::integer AS n FROM micro m JOIN cameras x ON x.micro_grid_code = m.micro GROUP BY m.kid),
        s AS (SELECT m.kid, count(*)::integer AS n FROM micro m JOIN sensors x ON x.micro_grid_code = m.micro GROUP BY m.kid),
        i AS (SELECT m.kid,
                     count(*) FILTER (WHERE incident_is_open(x.state))::integer AS open,
                     count(*) FILTER (WHERE x.reported_at >= $3)::integer AS recent
                FROM micro m JOIN incidents x ON x.micro_grid_code = m.micro
               WHERE incident_is_open(x.state) OR x.reported_at >= $3
               GROUP BY m.kid),
        pw AS (SELECT x.home_unit_code AS code, count(*)::integer AS n FROM workers x
                WHERE x.home_unit_code IN (SELECT code FROM parents) GROUP BY x.home_unit_code)
   SELECT 'child' AS kind, k.code, k.name, k.parent_code, k.area_m2, k.households, k.population,
          coalesce(w.n, 0) AS workers, coalesce(c.n, 0) AS cameras, coalesce(s.n, 0) AS sensors,
          coalesce(i.open, 0) AS open_incidents, coalesce(i.recent, 0) AS incidents_12m
     FROM kids k LEFT JOIN w ON w.kid = k.code LEFT JOIN c ON c.kid = k.code LEFT JOIN s ON s.kid = k.code
     LEFT JOIN i ON i.kid = k.code
   UNION ALL
   SELECT 'parent', p.code, p.name, p.code, 0, 0, 0, coalesce(pw.n, 0), 0, 0, 0, 0
     FROM parents p LEFT JOIN pw ON pw.code = p.code
   ORDER BY 1, 2`,
);

/**
 * The diff: per moved unit ($1 codes, $2 targets, $3 since) what moves with it — area, households, residents,
 * the workers responsible for it or below it, cameras, sensors, open incidents, the incidents of its whole
 * history and of the last 12 months. Primary keys, units_parent_idx, workers_home_unit_idx,
 * incidents_micro_grid_idx.
 */
export const diffMovedUnits = defineSql(
  'plans.diff_moved_units',
  `WITH e AS (SELECT * FROM unnest($1::text[], $2::text[]) AS e(code, target)),
        micro AS (SELECT e.code AS kid, u.code AS micro FROM e JOIN units u ON u.code = e.code WHERE u.level = 'micro_grid'
                  UNION ALL
                  SELECT e.code, u.code FROM e JOIN units u ON u.parent_code = e.code WHERE u.level = 'micro_grid'),
        homes AS (SELECT kid, micro AS home FROM micro UNION SELECT code, code FROM e),
        w AS (SELECT h.kid, jsonb_agg(jsonb_build_object('code', x.code, 'name', x.name, 'role', x.role, 'homeUnit', x.home_unit_code)
                                      ORDER BY x.code) AS list
                FROM homes h JOIN workers x ON x.home_unit_code = h.home GROUP BY h.kid),
        c AS (SELECT m.kid, count(*)::integer AS n FROM micro m JOIN cameras x ON x.micro_grid_code = m.micro GROUP BY m.kid),
        s AS (SELECT m.kid, count(*)::integer AS n FROM micro m JOIN sensors x ON x.micro_grid_code = m.micro GROUP BY m.kid),
        i AS (SELECT m.kid, count(*)::integer AS total,
                     count(*) FILTER (WHERE incident_is_open(x.state))::integer AS open,
                     count(*) FILTER (WHERE x.reported_at >= $3)::integer AS recent
                FROM micro m JOIN incidents x ON x.micro_grid_code = m.micro GROUP BY m.kid)
   SELECT u.code, u.name, u.level, u.parent_code AS from_code, e.target AS to_code, u.area_m2, u.households, u.population,
          coalesce(w.list, '[]'::jsonb) AS workers, coalesce(c.n, 0) AS cameras, coalesce(s.n, 0) AS sensors,
          coalesce(i.open, 0) AS open_incidents, coalesce(i.total, 0) AS incidents_total, coalesce(i.recent, 0) AS incidents_12m
     FROM e JOIN units u ON u.code = e.code
     LEFT JOIN w ON w.kid = e.code LEFT JOIN c ON c.kid = e.code LEFT JOIN s ON s.kid = e.code LEFT JOIN i ON i.kid = e.code
    ORDER BY u.code`,
);

/** $1 plan id, $2 now, $3 actor account id, $4 actor role → the publication's outcome (migration 0016). */
export const publishPlan = defineSql('plans.publish', `SELECT gridops_publish_boundary_plan($1, $2, $3, $4) AS outcome`);

/** $1 now → approved plans due, oldest effective time first (boundary_plans_state_idx). */
export const listDuePlans = defineSql(
  'plans.list_due',
  `SELECT id::integer AS id, scope_code FROM boundary_plans WHERE state = 'scheduled' AND effective_at <= $1 ORDER BY effective_at, id LIMIT 20`,
);

/** The current boundary version. */
export const readBoundaryVersion = defineSql('plans.boundary_version', `SELECT max(version)::integer AS version FROM boundary_versions`);

/** $1 code → the unit's code today: itself when current, else the end of its successor chain (migration 0015). */
export const readCurrentCode = defineSql('plans.current_code', `SELECT gridops_current_unit_code($1) AS code`);

/**
 * The boundary versions whose plan the caller may see (row-level security on boundary_plans), newest first, with
 * the plan's name, scope, author, approver, times and what the publication changed; $1 limit. Primary keys.
 */
export const listVersions = defineSql(
  'plans.versions',
  `SELECT v.version, v.published_at, v.effective_at, p.id::integer AS plan_id, p.name, p.scope_code, p.author_username,
          p.approved_by_username, p.rollback_of_plan_id::integer AS rollback_of_plan_id,
          jsonb_array_length(coalesce(p.publication->'moved', '[]'::jsonb)) AS moved,
          jsonb_array_length(coalesce(p.publication->'restructured', '[]'::jsonb)) AS restructured,
          coalesce((p.publication->>'relocatedIncidents')::integer, 0) AS relocated_incidents
     FROM boundary_versions v JOIN boundary_plans p ON p.id = v.plan_id
    ORDER BY v.version DESC LIMIT $1`,
);
