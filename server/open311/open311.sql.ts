/** SQL of the Open311 GeoReport v2 endpoints: public views of incidents, without personal data. */
import { defineSql } from '../db/database.js';

/**
 * The public view of a case (docs/decisions/0003-open311-public-cases.md): the description only as a citizen
 * submitted it (their first report; none for a case a dispatcher made public), no address and a position
 * rounded to 0.01° (about 1 km) for a sensitive category.
 */
/**
 * The public note of the latest resolve / close step (migration 0039), unless the case went back since (a
 * failed verification or a reopening makes the old note untrue). Uses incident_timeline_incident_idx.
 */
const publicNote = `(SELECT t.public_note FROM incident_timeline t
    WHERE t.incident_id = i.id AND t.public_note IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM incident_timeline b WHERE b.incident_id = i.id AND b.event IN ('verify_fail', 'reopen') AND (b.at, b.id) > (t.at, t.id))
    ORDER BY t.at DESC, t.id DESC LIMIT 1) AS public_note`;

const requestColumns = `i.id, i.number, i.category, i.state,
  (SELECT r.description FROM incident_reports r WHERE r.incident_id = i.id AND r.source IN ('open311', 'citizen_app') ORDER BY r.id LIMIT 1) AS description,
  CASE WHEN c.sensitive THEN NULL ELSE i.address END AS address,
  CASE WHEN c.sensitive THEN round(ST_X(i.geom)::numeric, 2)::float8 ELSE ST_X(i.geom) END AS lon,
  CASE WHEN c.sensitive THEN round(ST_Y(i.geom)::numeric, 2)::float8 ELSE ST_Y(i.geom) END AS lat,
  i.reported_at, i.updated_at, i.closed_at, i.merged_into, c.name_zh, c.name_en,
  ${publicNote}`;

/** Which cases are public: reported by citizens, or marked public by a dispatcher. */
const isPublic = `(i.source IN ('open311', 'citizen_app') OR i.public_since IS NOT NULL)`;

/** $1 incident id. A case that is not public is not found. Uses incidents_pkey. */
export const readServiceRequest = defineSql(
  'open311.read_request',
  `SELECT ${requestColumns} FROM incidents i JOIN incident_categories c ON c.code = i.category WHERE i.id = $1 AND ${isPublic}`,
);

/**
 * $1 incident id, $2 true (make public) or false. Result: id, micro_grid_code, public_since — none when the case
 * is not in the caller's jurisdiction (RLS). Uses incidents_pkey.
 */
export const setCasePublic = defineSql(
  'open311.set_case_public',
  `UPDATE incidents SET public_since = CASE WHEN $2::boolean THEN coalesce(public_since, now()) END
    WHERE id = $1 RETURNING id, micro_grid_code, public_since, source`,
);

/**
 * $1 'open' | 'closed' | NULL, $2 service code or NULL, $3 start, $4 end (reported_at), $5 ids (bigint[]) or
 * NULL, $6 limit. Public cases only, newest first. Uses incidents_public_idx (migration 0011).
 */
export const listServiceRequests = defineSql(
  'open311.list_requests',
  `SELECT ${requestColumns} FROM incidents i JOIN incident_categories c ON c.code = i.category
    WHERE ${isPublic}
      AND ($1::text IS NULL OR ($1 = 'open') = incident_is_open(i.state))
      AND ($2::text IS NULL OR i.category = $2)
      AND ($3::timestamptz IS NULL OR i.reported_at >= $3)
      AND ($4::timestamptz IS NULL OR i.reported_at < $4)
      AND ($5::bigint[] IS NULL OR i.id = ANY ($5))
    ORDER BY i.id DESC
    LIMIT $6`,
);
