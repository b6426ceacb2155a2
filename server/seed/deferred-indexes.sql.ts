/** SQL of deferred-indexes.ts: the secondary indexes and constraints a bulk load may build afterwards. */
import { defineSql } from '../db/database.js';

/**
 * The secondary indexes, unique constraints and foreign keys of the tables $1 (text[] of table names), as
 * statements that drop them and statements that build them again exactly as they were (pg_get_indexdef,
 * pg_get_constraintdef; names and identifiers quoted by the catalogue). Kept: primary keys, exclusion
 * constraints, and any index a foreign key refers to (k.conindid). Ordered for building: plain indexes, then
 * unique constraints, then foreign keys (validated once, by one join); drop in the reverse order.
 * Result: kind, name, drop_sql, create_sql. Reads pg_index and pg_constraint only.
 */
export const listDeferrableIndexes = defineSql(
  'seed.list_deferrable_indexes',
  `SELECT d.kind, d.name, d.drop_sql, d.create_sql
     FROM (
       SELECT 1 AS kind_order, 'index' AS kind, t.ord, c.relname::text AS name,
              format('DROP INDEX %s', i.indexrelid::regclass) AS drop_sql, pg_get_indexdef(i.indexrelid) AS create_sql
         FROM unnest($1::text[]) WITH ORDINALITY AS t(relname, ord)
         JOIN pg_index i ON i.indrelid = t.relname::regclass
         JOIN pg_class c ON c.oid = i.indexrelid
        WHERE NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       UNION ALL
       SELECT CASE k.contype WHEN 'u' THEN 2 ELSE 3 END, CASE k.contype WHEN 'u' THEN 'unique' ELSE 'foreign key' END, t.ord,
              k.conname::text,
              format('ALTER TABLE %s DROP CONSTRAINT %I', k.conrelid::regclass, k.conname),
              format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.conrelid::regclass, k.conname, pg_get_constraintdef(k.oid))
         FROM unnest($1::text[]) WITH ORDINALITY AS t(relname, ord)
         JOIN pg_constraint k ON k.conrelid = t.relname::regclass
        WHERE k.contype = 'f'
           OR (k.contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid))
     ) d
    ORDER BY d.kind_order, d.ord, d.name`,
);
