/** SQL of the audit log (migration 0004): append-only, hash-chained. */
import { defineSql } from '../db/database.js';

/**
 * Append one record; the trigger sets at, prev_hash and hash. $1 actor account id, $2 username, $3 role,
 * $4 action, $5 entity type, $6 entity id, $7 jurisdiction code, $8 before (jsonb), $9 after (jsonb),
 * $10 client address, $11 success, $12 reason. No RETURNING: a record about a row outside the caller's
 * jurisdiction (a field worker's case in the next grid) is written but not readable by the caller.
 */
export const appendAuditRecord = defineSql(
  'audit.append',
  `INSERT INTO audit_log (actor_account_id, actor_username, actor_role, action, entity_type, entity_id, jurisdiction_code,
                          before, after, client_address, success, reason, prev_hash, hash)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, '', '')`,
);

/**
 * Verify the chain: every row's prev_hash is the previous row's hash and its hash covers its content.
 * Result: checked (rows), first_broken_id (NULL when intact), reason.
 */
export const verifyAuditChain = defineSql(
  'audit.verify_chain',
  `WITH chain AS (
     SELECT a.id, a.prev_hash, a.hash,
            coalesce(lag(a.hash) OVER (ORDER BY a.id), 'genesis') AS expected_prev,
            encode(sha256(convert_to(a.prev_hash || '|' || gridops_audit_content(a), 'UTF8')), 'hex') AS expected_hash
       FROM audit_log a)
   SELECT (SELECT count(*) FROM chain)::int AS checked,
          b.id AS first_broken_id,
          CASE WHEN b.id IS NULL THEN NULL
               WHEN b.prev_hash <> b.expected_prev THEN 'prev_hash_mismatch'
               ELSE 'content_hash_mismatch' END AS reason
     FROM (SELECT 1) one
     LEFT JOIN LATERAL (SELECT * FROM chain WHERE prev_hash <> expected_prev OR hash <> expected_hash ORDER BY id LIMIT 1) b ON true`,
);

/**
 * Query the log. $1 entity type, $2 entity id, $3 actor account id, $4 from, $5 to, $6 limit, $7 before id
 * (paging backwards). NULL = any. Newest first. Uses the audit_log indexes.
 */
export const queryAuditRecords = defineSql(
  'audit.query',
  `SELECT id, at, actor_account_id, actor_username, actor_role, action, entity_type, entity_id, jurisdiction_code,
          before, after, client_address, success, reason, hash
     FROM audit_log
    WHERE ($1::text IS NULL OR entity_type = $1)
      AND ($2::text IS NULL OR entity_id = $2)
      AND ($3::integer IS NULL OR actor_account_id = $3)
      AND ($4::timestamptz IS NULL OR at >= $4)
      AND ($5::timestamptz IS NULL OR at < $5)
      AND ($7::bigint IS NULL OR id < $7)
    ORDER BY id DESC
    LIMIT $6`,
);
