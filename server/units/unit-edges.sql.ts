/**
 * The unit edges (migration 0010): every boundary line of the hierarchy once, at the coarsest level it bounds.
 * Derived from units: rebuilt after the units change (the seed, after the hierarchy). Drawn by the vector-tile
 * layer unit_boundaries (server/tiles/tiles.sql.ts).
 */
import { defineSql } from '../db/database.js';

/** Rebuild every edge from the units (owner only; ~25 s for all of Nanjing embedded). Returns `edges`, their number. */
export const rebuildUnitEdges = defineSql('units.rebuild_edges', `SELECT gridops_rebuild_unit_edges() AS edges`);
