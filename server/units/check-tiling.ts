/**
 * The tiling check ("两个100%" coverage): every level is valid and exactly tiles its parent — children's
 * areas sum to the parent's within 0.01 %, and no two siblings overlap by more than 1 m².
 * Used by the tests (Xianlin subset) and by `npm run check:tiling` (the full seed).
 */
import type { Database } from '../db/database.js';
import { compareChildAreas, countChildlessParents, countInvalidGeometries, countOrphans, findSiblingOverlaps } from './check-tiling.sql.js';

export const MAX_RELATIVE_AREA_DIFFERENCE = 1e-4;
export const MAX_SIBLING_OVERLAP_M2 = 1;
const CHILD_LEVELS = ['street', 'community', 'grid', 'micro_grid'] as const;
const PARENT_OF = { street: 'district', community: 'street', grid: 'community', micro_grid: 'grid' } as const;

export interface LevelTilingReport {
  level: string;
  units: number;
  invalid: number;
  orphans: number;
  parents: number;
  childlessParents: number;
  worstRelativeAreaDifference: number;
  worstAreaParent: string | null;
  parentsOverAreaTolerance: number;
  overlappingPairs: number;
  worstOverlapM2: number;
  worstOverlapPair: string | null;
}

export interface TilingReport {
  ok: boolean;
  levels: LevelTilingReport[];
  problems: string[];
}

export async function checkTiling(db: Database, options: { onLevel?: (r: LevelTilingReport) => void } = {}): Promise<TilingReport> {
  const validity = await db.query<{ level: string; units: number; invalid: number }>(countInvalidGeometries);
  const problems: string[] = [];
  for (const v of validity) if (v.invalid > 0) problems.push(`${v.level}: ${v.invalid} invalid geometries`);
  const levels: LevelTilingReport[] = [];
  for (const level of CHILD_LEVELS) {
    const units = validity.find((v) => v.level === level);
    if (!units) continue;
    const [areas] = await db.query<{ parents: number; worst: number; worst_code: string | null; over: number }>(compareChildAreas, [
      level,
      MAX_RELATIVE_AREA_DIFFERENCE,
    ]);
    const [overlaps] = await db.query<{ pairs: number; worst_m2: number; worst_pair: string | null }>(findSiblingOverlaps, [
      level,
      MAX_SIBLING_OVERLAP_M2,
    ]);
    const [orphans] = await db.query<{ n: number }>(countOrphans, [level]);
    // Only parents that have been subdivided at all count: in the Xianlin subset most districts have no streets.
    const [childless] = await db.query<{ n: number }>(countChildlessParents, [PARENT_OF[level]]);
    const report: LevelTilingReport = {
      level,
      units: units.units,
      invalid: units.invalid,
      orphans: orphans.n,
      parents: areas.parents,
      childlessParents: childless.n,
      worstRelativeAreaDifference: Number(areas.worst),
      worstAreaParent: areas.worst_code,
      parentsOverAreaTolerance: areas.over,
      overlappingPairs: overlaps.pairs,
      worstOverlapM2: Number(overlaps.worst_m2),
      worstOverlapPair: overlaps.worst_pair,
    };
    if (report.orphans) problems.push(`${level}: ${report.orphans} units without a parent one level up`);
    if (report.parentsOverAreaTolerance)
      problems.push(
        `${level}: ${report.parentsOverAreaTolerance} parents whose children's areas differ by more than 0.01 % (worst ${report.worstAreaParent})`,
      );
    if (report.overlappingPairs)
      problems.push(`${level}: ${report.overlappingPairs} sibling pairs overlapping by more than 1 m² (worst ${report.worstOverlapPair})`);
    levels.push(report);
    options.onLevel?.(report);
  }
  return { ok: problems.length === 0, levels, problems };
}
