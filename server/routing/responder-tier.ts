/**
 * Facts about a candidate responder that the ranking needs, as pure functions: its tier relative to
 * the incident's micro-grid chain (from the home unit code: a unit's code extends its parent's —
 * street 9 digits, community 12, grid 15, micro-grid 18), and whether its position is stale.
 */
import type { ResponderTier } from './rank-candidates.js';

/** The incident's place in the hierarchy. */
export interface IncidentUnitChain {
  microGridCode: string;
  /** The grid holding the micro-grid: its other micro-grids are the neighbouring ones (tier 1). */
  gridCode?: string;
  /** Micro-grids adjoining the incident's, across a grid boundary too (tier 1). */
  neighbourMicroGridCodes?: readonly string[];
  communityCode: string;
  streetCode: string;
}

/** Positions older than this are stale (issue 4: ten minutes). */
export const STALE_AFTER_MS = 10 * 60 * 1000;

/** 0 own micro-grid, 1 neighbouring micro-grids, 2 community, 3 street, 4 beyond the street or no chain. */
export function responderTier(homeUnitCode: string, chain: IncidentUnitChain | undefined): ResponderTier {
  if (!chain) return 4;
  if (homeUnitCode === chain.microGridCode) return 0;
  if (chain.gridCode && homeUnitCode.startsWith(chain.gridCode)) return 1;
  if (chain.neighbourMicroGridCodes?.includes(homeUnitCode)) return 1;
  if (homeUnitCode.startsWith(chain.communityCode)) return 2;
  if (homeUnitCode.startsWith(chain.streetCode)) return 3;
  return 4;
}

/** Check that the chain is one chain: each code extends the next larger unit's. */
export function checkUnitChain(chain: IncidentUnitChain): void {
  const { microGridCode, gridCode, communityCode, streetCode } = chain;
  const nested = [microGridCode, gridCode, communityCode, streetCode].filter((c): c is string => c !== undefined);
  for (let i = 0; i + 1 < nested.length; i++) {
    if (!nested[i].startsWith(nested[i + 1]) || nested[i] === nested[i + 1]) {
      throw new RangeError(`unit chain: ${nested[i]} is not inside ${nested[i + 1]}`);
    }
  }
}

/** Stale: no position time, or one more than ten minutes before now. */
export function isPositionStale(positionAtMs: number | null, nowMs: number): boolean {
  return positionAtMs === null || nowMs - positionAtMs > STALE_AFTER_MS;
}
