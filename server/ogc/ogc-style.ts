/**
 * The console's map style as a MapLibre / Mapbox GL style document (version 8) for desktop GIS: QGIS (Vector
 * Tile layer → Load style, or a MapLibre style URL) draws the offline basemap and the unit boundaries from the
 * same `/tiles/…` vector tiles as the console, in the console's light or dark palette. Built from the client's
 * own style code (client/map/basemap-style.ts, map-palette.ts, the units layer's boundary line), so the two
 * cannot drift apart. The tiles need the same `Authorization: Bearer gst_…` header as the OGC API. Pure.
 */
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { buildMapStyle } from '../../client/map/basemap-style.js';
import { PALETTES } from '../../client/map/map-palette.js';
import { boundaryLineLayer } from '../../client/map/layers/units.layer.js';
import type { MapTheme } from '../../client/map/map-data.js';

export const STYLE_THEMES: readonly MapTheme[] = ['light', 'dark'];

/** `origin`: http(s)://host:port of the request, for absolute tile URLs. */
export function consoleStyle(origin: string, theme: MapTheme): StyleSpecification {
  const palette = PALETTES[theme];
  const style = buildMapStyle({ origin, palette, external: null, overlayLayers: [boundaryLineLayer(palette)] });
  // The console paints the land as its map element's CSS background; a desktop client needs it in the style.
  const background: LayerSpecification = { id: 'background', type: 'background', paint: { 'background-color': palette.background } };
  return { ...style, name: `GridOps console (${theme})`, layers: [background, ...style.layers] };
}
