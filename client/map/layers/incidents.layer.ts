/**
 * Open incidents as points coloured by grade (blue / yellow / orange / red), the selected one ringed,
 * and new red and orange ones (NEW_INCIDENT_MINUTES) pulsing. deck.gl; picking returns the incident.
 * The pulse animates only while such incidents exist and the layer is on, at about 12 frames a second where frames
 * are cheap and slower where they are not (pulse-pacing.ts: at most a fifth of the page's time).
 */
import type { Layer } from '@deck.gl/core';
import { isPulsing } from '../incident-load.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import { GRADE_RANK, isOpenIncident } from '../../../server/contract/incident-vocabulary.js';
import type { LiveIncident, MapLayerData } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';
import { UninstancedScatterplotLayer } from '../uninstanced-scatterplot-layer.js';
import { PULSE_FRAME_MS, pulseDelayAfterFrame } from '../pulse-pacing.js';

export const INCIDENTS_DECK_LAYER = 'incidents-points';
const PULSE_PERIOD_MS = 1600;
const TRANSPARENT: [number, number, number, number] = [0, 0, 0, 0];

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let incidents: LiveIncident[] = [];
  let selectedId: number | null = null;
  let pulsing: LiveIncident[] = [];
  let phase = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** A pulse frame is scheduled or being drawn: one chain of frames at a time. */
  let scheduled = false;

  const animate = () => {
    timer = null;
    const ctx = context;
    if (!ctx || pulsing.length === 0 || !ctx.visible()) {
      scheduled = false;
      return;
    }
    phase = (performance.now() % PULSE_PERIOD_MS) / PULSE_PERIOD_MS;
    const requested = performance.now();
    // The next frame waits in proportion to what this one cost, from the request to the frame drawn.
    ctx.afterDrawn(() => {
      if (context !== ctx) {
        scheduled = false;
        return;
      }
      timer = setTimeout(animate, pulseDelayAfterFrame(performance.now() - requested));
    });
  };
  const startPulse = () => {
    if (scheduled || pulsing.length === 0) return;
    scheduled = true;
    timer = setTimeout(animate, PULSE_FRAME_MS);
  };

  return {
    id: 'incidents',
    titleKey: 'map.layer.incidents',
    styleLayers: () => [],
    deckLayers(p: MapPalette): Layer[] {
      startPulse();
      const layers: Layer[] = [];
      if (pulsing.length > 0) {
        layers.push(
          new UninstancedScatterplotLayer<LiveIncident>({
            id: 'incidents-pulse',
            data: pulsing,
            getPosition: (d) => [d.lon, d.lat],
            radiusUnits: 'pixels',
            // Every accessor a function, as in the points layer below: a constant one is a constant vertex attribute
            // instead of a buffer, a different vertex layout, and so another GPU pipeline to build when the first
            // new red or orange incident arrives (in software WebGL 250–350 ms, BENCHMARKS.md), not at start-up.
            getRadius: () => 8 + 18 * phase,
            stroked: true,
            filled: false,
            getFillColor: () => TRANSPARENT,
            lineWidthUnits: 'pixels',
            getLineWidth: () => 3,
            getLineColor: (d) => colorToRgba(p.grade[d.grade], Math.round(230 * (1 - phase))),
            updateTriggers: { getRadius: phase, getLineColor: [phase, p] },
          }),
        );
      }
      layers.push(
        new UninstancedScatterplotLayer<LiveIncident>({
          id: INCIDENTS_DECK_LAYER,
          data: incidents,
          pickable: true,
          getPosition: (d) => [d.lon, d.lat],
          radiusUnits: 'pixels',
          getRadius: (d) => (d.id === selectedId ? 10 : 7),
          radiusMinPixels: 4,
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: (d) => (d.id === selectedId ? 3 : 1.5),
          getFillColor: (d) => colorToRgba(p.grade[d.grade]),
          getLineColor: (d) => colorToRgba(d.id === selectedId ? p.selected : p.label.halo),
          updateTriggers: { getRadius: selectedId, getLineWidth: selectedId, getFillColor: p, getLineColor: [selectedId, p] },
        }),
      );
      return layers;
    },
    legend: (p) => [
      { labelKey: 'map.legend.gradeBlue', color: p.grade.blue },
      { labelKey: 'map.legend.gradeYellow', color: p.grade.yellow },
      { labelKey: 'map.legend.gradeOrange', color: p.grade.orange },
      { labelKey: 'map.legend.gradeRed', color: p.grade.red },
    ],
    init(ctx) {
      context = ctx;
    },
    update(data: MapLayerData) {
      const now = Date.now();
      // The most urgent on top: deck.gl draws in data order.
      // The most severe drawn last, on top.
      incidents = data.incidents.filter((i) => isOpenIncident(i)).sort((a, b) => GRADE_RANK[b.grade] - GRADE_RANK[a.grade]);
      pulsing = incidents.filter((i) => isPulsing(i, now));
      selectedId = data.selectedIncidentId;
      startPulse();
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      scheduled = false;
      context = null;
    },
  };
}
