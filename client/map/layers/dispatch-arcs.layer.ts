/**
 * Dispatch arcs on the big screen: when a case is dispatched, an arc from the worker's position to the case
 * (deck.gl ArcLayer), in the case's grade colour, fading out over ARC_LIFETIME_MS. Few at a time (the wall keeps
 * at most a bounded list), so the ArcLayer's instanced draw is cheap even in software WebGL. Receives
 * `dispatchArcs`; animates only while an arc is alive.
 */
import type { Layer } from '@deck.gl/core';
import { ArcLayer } from '@deck.gl/layers';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { DispatchArc, MapLayerData } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';

export const ARC_LIFETIME_MS = 45_000;
const FADE_FRAME_MS = 500;

/** The arc's opacity (of 255) at `age` ms: full for the first third, then fading to nothing. */
export function arcAlpha(age: number): number {
  if (age < 0) return 255;
  if (age >= ARC_LIFETIME_MS) return 0;
  const fadeFrom = ARC_LIFETIME_MS / 3;
  return age <= fadeFrom ? 255 : Math.round(255 * (1 - (age - fadeFrom) / (ARC_LIFETIME_MS - fadeFrom)));
}

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let arcs: readonly DispatchArc[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const alive = (now: number) => arcs.filter((a) => now - a.startedAt < ARC_LIFETIME_MS);
  const tick = () => {
    timer = null;
    if (!context) return;
    context.requestRedraw();
    if (alive(Date.now()).length > 0) timer = setTimeout(tick, FADE_FRAME_MS);
  };

  return {
    id: 'dispatch-arcs',
    titleKey: 'map.layer.dispatchArcs',
    styleLayers: () => [],
    deckLayers(p: MapPalette): Layer[] {
      const now = Date.now();
      const shown = alive(now);
      if (shown.length === 0) return [];
      return [
        new ArcLayer<DispatchArc>({
          id: 'dispatch-arcs',
          data: shown,
          getSourcePosition: (d) => d.from,
          getTargetPosition: (d) => d.to,
          getSourceColor: (d) => colorToRgba(p.worker.onDuty, arcAlpha(now - d.startedAt)),
          getTargetColor: (d) => colorToRgba(p.grade[d.grade], arcAlpha(now - d.startedAt)),
          getWidth: () => 4,
          widthUnits: 'pixels',
          getHeight: () => 0.6,
          updateTriggers: { getSourceColor: [now, p], getTargetColor: [now, p] },
        }),
      ];
    },
    legend: (p) => [{ labelKey: 'map.legend.route', color: p.worker.onDuty }],
    init(ctx) {
      context = ctx;
    },
    update(data: MapLayerData) {
      arcs = data.dispatchArcs ?? [];
      if (timer === null && alive(Date.now()).length > 0) timer = setTimeout(tick, FADE_FRAME_MS);
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      context = null;
      arcs = [];
    },
  };
}
