/**
 * The administrator's camera-position review (issue 21, item 4): the flagged cameras of an import in the review
 * queue, each at its imported position (rose), with the QA's suggested correction where there is one (green, the
 * GCJ-02 reading) joined by a line; the selected camera larger and ringed; while it is dragged, the dropped point
 * and the road point it snaps to (amber) joined by a line. deck.gl; receives `cameraReview` in update(), never
 * fetches (client/panels/camera-review-panel.ts owns the queue; client/map/camera-drag.ts the drag).
 */
import type { Layer } from '@deck.gl/core';
import { LineLayer } from '@deck.gl/layers';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { CameraReviewDrawing, ReviewPoint } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';
import { UninstancedScatterplotLayer } from '../uninstanced-scatterplot-layer.js';

export const REVIEW_GIVEN_DECK_LAYER = 'camera-review-given';

/** The review's colours per theme: distinct from the grade colours and the live cameras' blue. */
export const REVIEW_COLORS = {
  light: { given: '#e11d48', suggested: '#16a34a', snapped: '#d97706', ring: '#111827' },
  dark: { given: '#fb7185', suggested: '#4ade80', snapped: '#fbbf24', ring: '#f9fafb' },
} as const;

interface Segment {
  from: [number, number];
  to: [number, number];
}

interface DrawnPoint {
  at: [number, number];
  line: number;
}

/** Where the selected camera is drawn now: the drag's snapped (else dropped) point, else as given. */
export function drawnPosition(drawing: CameraReviewDrawing, line: number): [number, number] | null {
  if (drawing.draft?.line === line) return drawing.draft.snapped ?? drawing.draft.dropped;
  return drawing.cameras.find((c) => c.line === line)?.given ?? null;
}

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let drawing: CameraReviewDrawing | null = null;
  let colors: (typeof REVIEW_COLORS)['light' | 'dark'] = REVIEW_COLORS.light;

  const layers = (): Layer[] => {
    if (!drawing || (drawing.cameras.length === 0 && !drawing.draft)) return [];
    const d = drawing;
    const withSuggestion = d.cameras.filter((c): c is ReviewPoint & { suggested: [number, number] } => c.suggested !== null);
    const links: Segment[] = withSuggestion.map((c) => ({ from: c.given, to: c.suggested }));
    const draftLinks: Segment[] = d.draft?.snapped ? [{ from: d.draft.dropped, to: d.draft.snapped }] : [];
    const given: DrawnPoint[] = d.cameras.filter((c) => c.line !== d.draft?.line).map((c) => ({ at: c.given, line: c.line }));
    const draftPoints: DrawnPoint[] = d.draft ? [{ at: d.draft.snapped ?? d.draft.dropped, line: d.draft.line }] : [];
    return [
      new LineLayer<Segment>({
        id: 'camera-review-links',
        data: [...links, ...draftLinks],
        getSourcePosition: (s) => s.from,
        getTargetPosition: (s) => s.to,
        getColor: colorToRgba(colors.ring, 150),
        getWidth: 1.5,
        widthUnits: 'pixels',
      }),
      new UninstancedScatterplotLayer<DrawnPoint>({
        id: 'camera-review-suggested',
        data: withSuggestion.map((c) => ({ at: c.suggested, line: c.line })),
        getPosition: (p) => p.at,
        getRadius: 5,
        radiusUnits: 'pixels',
        getFillColor: colorToRgba(colors.suggested, 230),
        stroked: true,
        getLineColor: colorToRgba(colors.ring, 200),
        lineWidthMinPixels: 1,
      }),
      new UninstancedScatterplotLayer<DrawnPoint>({
        id: REVIEW_GIVEN_DECK_LAYER,
        data: given,
        pickable: true,
        getPosition: (p) => p.at,
        getRadius: (p) => (p.line === d.selectedLine ? 9 : 6),
        radiusUnits: 'pixels',
        getFillColor: colorToRgba(colors.given, 235),
        stroked: true,
        getLineColor: (p) => colorToRgba(colors.ring, p.line === d.selectedLine ? 255 : 180),
        getLineWidth: (p) => (p.line === d.selectedLine ? 3 : 1),
        lineWidthUnits: 'pixels',
        updateTriggers: { getRadius: d.selectedLine, getLineColor: d.selectedLine, getLineWidth: d.selectedLine },
      }),
      new UninstancedScatterplotLayer<DrawnPoint>({
        id: 'camera-review-draft',
        data: draftPoints,
        getPosition: (p) => p.at,
        getRadius: 9,
        radiusUnits: 'pixels',
        getFillColor: colorToRgba(colors.snapped, 245),
        stroked: true,
        getLineColor: colorToRgba(colors.ring, 255),
        getLineWidth: 3,
        lineWidthUnits: 'pixels',
      }),
    ];
  };

  return {
    id: 'camera-review',
    titleKey: 'map.layer.cameraReview',
    styleLayers: () => [],
    deckLayers: (_p: MapPalette) => {
      colors = REVIEW_COLORS[context?.theme() ?? 'light'];
      return layers();
    },
    legend: () => {
      const c = REVIEW_COLORS[context?.theme() ?? 'light'];
      return [
        { labelKey: 'map.legend.reviewGiven', color: c.given },
        { labelKey: 'map.legend.reviewSuggested', color: c.suggested },
        { labelKey: 'map.legend.reviewSnapped', color: c.snapped },
      ];
    },
    init(ctx) {
      context = ctx;
      colors = REVIEW_COLORS[ctx.theme()];
    },
    update(data) {
      drawing = data.cameraReview ?? null;
    },
    dispose() {
      context = null;
      drawing = null;
    },
  };
}
