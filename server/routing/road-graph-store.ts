/**
 * The road graph of one database, loaded once on first use and shared by every request (a few seconds and
 * ~25 MB at full scale). The roads have no row-level security, so it is read with the unscoped database. A
 * failed load is not kept: the next request tries again.
 */
import type { Database } from '../db/database.js';
import { loadRoadGraph } from './load-road-graph.js';
import type { RoadGraph } from './road-graph.js';

export interface RoadGraphStore {
  graph(): Promise<RoadGraph>;
}

export function createRoadGraphStore(db: Database): RoadGraphStore {
  let loading: Promise<RoadGraph> | undefined;
  return {
    graph() {
      if (!loading) {
        loading = loadRoadGraph(db).then((r) => r.graph);
        loading.catch(() => {
          loading = undefined;
        });
      }
      return loading;
    },
  };
}
