/** SQL of the Open311 GeoReport v2 endpoints: public views of incidents, without personal data. */
import { defineSql } from '../db/database.js';

const requestColumns = `i.id, i.number, i.category, i.state, i.description, i.address, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
  i.reported_at, i.updated_at, i.closed_at, i.merged_into, c.name_zh, c.name_en`;

/** $1 incident id. Uses incidents_pkey. */
export const readServiceRequest = defineSql(
  'open311.read_request',
  `SELECT ${requestColumns} FROM incidents i JOIN incident_categories c ON c.code = i.category WHERE i.id = $1`,
);

/**
 * $1 'open' | 'closed' | NULL, $2 service code or NULL, $3 start, $4 end (reported_at), $5 ids (bigint[]) or
 * NULL, $6 limit. Newest first. Uses incidents_pkey / incidents_open_idx.
 */
export const listServiceRequests = defineSql(
  'open311.list_requests',
  `SELECT ${requestColumns} FROM incidents i JOIN incident_categories c ON c.code = i.category
    WHERE ($1::text IS NULL OR ($1 = 'open') = incident_is_open(i.state))
      AND ($2::text IS NULL OR i.category = $2)
      AND ($3::timestamptz IS NULL OR i.reported_at >= $3)
      AND ($4::timestamptz IS NULL OR i.reported_at < $4)
      AND ($5::bigint[] IS NULL OR i.id = ANY ($5))
    ORDER BY i.id DESC
    LIMIT $6`,
);
