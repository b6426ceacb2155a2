/**
 * The media types of a plan's exchange files (plan-exchange-contract.ts), one definition for the contract, the
 * server (plan-geopackage.ts) and the planner's page (client/plan/exchange-panel.ts). No imports: the page bundles it.
 */
/** A GeoPackage file (OGC): a plan's grids, layer `grids`. */
export const GEOPACKAGE_TYPE = 'application/geopackage+sqlite3';
/** GeoJSON (RFC 7946): a plan's grids as JSON. */
export const GEOJSON_TYPE = 'application/geo+json';
