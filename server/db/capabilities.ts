/**
 * Detect what this PostGIS can do instead of guessing from versions: the embedded PostGIS 3.6 lists
 * ST_AsMVT in pg_proc but is compiled without protobuf-c, so each capability is probed by calling it.
 */
import { Capabilities, Database, defineSql } from './database.js';

export const MINIMUM_POSTGIS = [3, 3] as const;

const versions = defineSql(
  'capabilities.versions',
  `SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS postgres, postgis_geos_version() AS geos`,
);
const probeAsMvt = defineSql(
  'capabilities.probe_as_mvt',
  `SELECT length(ST_AsMVT(t.*, 'probe')) AS n FROM (SELECT ST_AsMVTGeom('POINT(1 1)'::geometry, ST_MakeEnvelope(0,0,2,2)) AS geom) t`,
);
const probeCoverage = defineSql(
  'capabilities.probe_coverage',
  `SELECT count(*) AS n FROM (SELECT ST_CoverageInvalidEdges(g) OVER () FROM (VALUES ('POLYGON((0 0,1 0,1 1,0 1,0 0))'::geometry)) v(g)) t`,
);
const probePgRouting = defineSql('capabilities.probe_pgrouting', `SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'pgrouting'`);
const spatialColumnsWithoutIndex = defineSql(
  'capabilities.spatial_columns_without_index',
  `SELECT c.f_table_name || '.' || c.f_geometry_column AS col
     FROM geometry_columns c
    WHERE c.f_table_schema = 'public'
      AND NOT EXISTS (
        SELECT 1 FROM pg_index i
          JOIN pg_class t ON t.oid = i.indrelid
          JOIN pg_class ix ON ix.oid = i.indexrelid
          JOIN pg_am am ON am.oid = ix.relam
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (i.indkey)
         WHERE t.relname = c.f_table_name AND a.attname = c.f_geometry_column AND am.amname IN ('gist', 'spgist', 'brin'))`,
);

/** Whether the spatial predicates may drive indexes under row-level security (migration 0006). */
const probeLeakproof = defineSql(
  'capabilities.probe_leakproof',
  `SELECT bool_and(proleakproof) AS ok FROM pg_proc
    WHERE oid IN ('st_intersects(geometry,geometry)'::regprocedure, 'geometry_overlaps(geometry,geometry)'::regprocedure,
                  'geometry_distance_centroid(geometry,geometry)'::regprocedure)`,
);

async function succeeds(db: Database, statement: ReturnType<typeof defineSql>): Promise<boolean> {
  try {
    // A savepoint-free probe: run it in its own transaction so a failure leaves no aborted state.
    await db.withTransaction((tx) => tx.query(statement));
    return true;
  } catch {
    return false;
  }
}

export function parseVersion(version: string): number[] {
  return (version.match(/\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number);
}

export function isPostgisSupported(version: string): boolean {
  const [major = 0, minor = 0] = parseVersion(version);
  return major > MINIMUM_POSTGIS[0] || (major === MINIMUM_POSTGIS[0] && minor >= MINIMUM_POSTGIS[1]);
}

export class UnsupportedPostgisError extends Error {}

export async function detectCapabilities(db: Database): Promise<Capabilities> {
  const [v] = await db.query<{ postgis: string; postgres: string; geos: string }>(versions);
  if (!isPostgisSupported(v.postgis)) {
    throw new UnsupportedPostgisError(
      `PostGIS ${v.postgis} is too old: GridOps needs PostGIS >= ${MINIMUM_POSTGIS.join('.')} (ALTER EXTENSION postgis UPDATE, or install postgresql-15-postgis-3)`,
    );
  }
  const [routing] = await db.query<{ n: number }>(probePgRouting);
  const missing = await db.query<{ col: string }>(spatialColumnsWithoutIndex);
  const [leakproof] = await db.query<{ ok: boolean | null }>(probeLeakproof);
  return {
    postgisVersion: v.postgis,
    postgresVersion: v.postgres,
    geosVersion: v.geos,
    asMvt: await succeeds(db, probeAsMvt),
    coverageFunctions: await succeeds(db, probeCoverage),
    pgRouting: Number(routing.n) > 0,
    missingSpatialIndexes: missing.map((m) => m.col),
    spatialIndexesUnderRls: leakproof?.ok === true,
  };
}
