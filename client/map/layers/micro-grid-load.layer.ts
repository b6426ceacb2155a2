/**
 * The micro-grids' load: over the micro-grids with open incidents only, a translucent tint by their number
 * (deck.gl, drawn just under the unit boundaries, which outline the micro-grids too (units.layer.ts): the route,
 * incidents and workers stay on top; boundaries and labels too).
 *
 * Why not one fill over every micro-grid coloured by feature-state, as before: MapLibre draws such a fill over
 * the whole screen in its translucent pass whatever the colours, 21 ms of a 154 ms frame in software WebGL at
 * 1920×1080, where the tint of the few loaded micro-grids costs about 1 (BENCHMARKS.md).
 * Filtering a fill by load instead makes MapLibre lay the tiles out again on every change (a live arrival took 2.8 s).
 *
 * The tint's shapes are the loaded micro-grids' pieces in the tiles MapLibre holds (querySourceFeatures), joined
 * across tile edges (micro-grid-tint.ts); found again once the map has drawn changed incidents, and when tiles arrive.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { FilterSpecification, MapSourceDataEvent } from 'maplibre-gl';
import { UNITS_SOURCE } from '../basemap-style.js';
import { countOpenByMicroGrid } from '../incident-load.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';
import { loadLevel, tintShapes, type MicroGridPiece, type TintShape } from '../micro-grid-tint.js';
import { BOUNDARY_LINE_LAYER } from './units.layer.js';

export const LOAD_TINT_DECK_LAYER = 'micro-grid-load-tint';
/** Opacity of the load colours over the basemap. */
export const LOAD_ALPHA = 0.45;
/** Where @deck.gl/maplibre draws a layer in the style (`beforeId`, a prop deck.gl's layer types do not declare). */
const BEFORE_BOUNDARIES = { beforeId: BOUNDARY_LINE_LAYER } as object;
/** Tiles arrive in bursts while the map moves: their shapes are looked for at most this often. */
const TILE_REFRESH_MS = 200;

/** A load colour of the palette as deck.gl RGBA, its alpha multiplied by LOAD_ALPHA. */
export function tintColor(p: MapPalette, openIncidents: number): [number, number, number, number] {
  const [r, g, b, a] = colorToRgba(p.load[loadLevel(openIncidents)]);
  return [r, g, b, Math.round(a * LOAD_ALPHA)];
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [code, n] of a) if (b.get(code) !== n) return false;
  return true;
}

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let counts = new Map<string, number>();
  /** The tint's features, rebuilt only when the shapes change: a new `data` array makes deck.gl tessellate every polygon again. */
  let tint: Feature<Polygon | MultiPolygon, { load: number }>[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const findShapes = () => {
    const map = context?.map;
    if (!map || !context) return;
    const previous = tint.length;
    let shapes: TintShape[] = [];
    if (counts.size > 0 && map.getSource(UNITS_SOURCE)) {
      const pieces: MicroGridPiece[] = [];
      const filter: FilterSpecification = ['in', ['get', 'code'], ['literal', [...counts.keys()]]];
      for (const f of map.querySourceFeatures(UNITS_SOURCE, { sourceLayer: 'micro_grids', filter })) {
        const code = f.properties.code;
        if (typeof code === 'string' && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'))
          pieces.push({ code, geometry: f.geometry });
      }
      shapes = tintShapes(pieces, counts);
    }
    tint = shapes.map((shape) => ({ type: 'Feature', geometry: shape.geometry, properties: { load: shape.load } }));
    if (tint.length > 0 || previous > 0) context.requestRedraw();
  };
  const schedule = (delayMs: number) => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      findShapes();
    }, delayMs);
  };
  /**
   * After the incidents change, the shapes are looked for once the map has drawn them: a new incident's own point
   * comes first, before the shapes are joined and tessellated (deck.gl), and before a first tint's GPU pipeline is
   * built (in software WebGL a few hundred milliseconds). The arrival is what a dispatcher waits for.
   */
  let waitingForFrame = false;
  const scheduleAfterDrawn = () => {
    if (waitingForFrame || !context) return;
    waitingForFrame = true;
    context.afterDrawn(() => {
      waitingForFrame = false;
      findShapes();
    });
  };
  const onTile = (event: MapSourceDataEvent) => {
    if (event.sourceId === UNITS_SOURCE && event.tile && counts.size > 0) schedule(TILE_REFRESH_MS);
  };

  return {
    id: 'micro-grid-load',
    titleKey: 'map.layer.microGridLoad',
    styleLayers: () => [],
    deckLayers: (p): Layer[] =>
      tint.length === 0
        ? []
        : [
            new GeoJsonLayer<{ load: number }>({
              id: LOAD_TINT_DECK_LAYER,
              data: tint,
              // Drawn in MapLibre's frame just before the boundaries (an interleaved deck.gl layer group).
              ...BEFORE_BOUNDARIES,
              filled: true,
              stroked: false,
              getFillColor: (f) => tintColor(p, f.properties.load),
              // Over MapLibre's depth buffer, where the opaque water wrote its depth: drawn whatever is under it.
              parameters: { depthCompare: 'always', depthWriteEnabled: false },
              updateTriggers: { getFillColor: p },
            }),
          ],
    legend: (p) => [
      { labelKey: 'map.legend.load1', color: p.load[1] },
      { labelKey: 'map.legend.load2', color: p.load[2] },
      { labelKey: 'map.legend.load4', color: p.load[3] },
    ],
    init(ctx) {
      context = ctx;
      ctx.map.on('sourcedata', onTile);
    },
    update(data: MapLayerData) {
      const next = countOpenByMicroGrid(data.incidents);
      if (sameCounts(next, counts)) return;
      counts = next;
      scheduleAfterDrawn();
    },
    dispose() {
      context?.map.off('sourcedata', onTile);
      if (timer !== null) clearTimeout(timer);
      timer = null;
      context = null;
      counts = new Map();
      tint = [];
    },
  };
}
