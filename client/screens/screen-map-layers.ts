/**
 * The layer sets of the screens' maps (the console's registry and modules, a different choice of them):
 * the wall shows boundaries, the 24 h extruded density, workers, dispatch arcs and the open incidents pulsing by
 * grade; the mid screen shows the child units' choropleth under the boundaries and the cases of a drill-down.
 */
import type { MapLayerModule } from '../map/layer-registry.js';
import { create as createDispatchArcs } from '../map/layers/dispatch-arcs.layer.js';
import { create as createIncidents } from '../map/layers/incidents.layer.js';
import { create as createRecentDensity } from '../map/layers/recent-density.layer.js';
import { create as createUnitChoropleth } from '../map/layers/unit-choropleth.layer.js';
import { create as createUnits } from '../map/layers/units.layer.js';
import { create as createWorkers } from '../map/layers/workers.layer.js';

export const wallLayers = (): MapLayerModule[] => [createUnits(), createRecentDensity(), createWorkers(), createDispatchArcs(), createIncidents()];

export const midLayers = (): MapLayerModule[] => [createUnitChoropleth(), createUnits(), createIncidents()];
