/**
 * What jurisdiction enforcement costs: the same SQL run without a scope (as the database owner, which row-level
 * security does not restrict) and inside a scope as every route runs it (`Database.queryInScope`: the scope set
 * at session level on the connection and kept while the next query has the same scope; the query as gridops_app
 * under the RLS policies), alternating order per round. Two queries: locate
 * (one row by point) and a list (an OGC items page of 100 micro-grids in a bbox around the point).
 */
import type { Database, DataScope } from '../../server/db/database.js';
import { findCollection } from '../../server/ogc/ogc-collections.js';
import { itemsQuery, type ItemsFilter } from '../../server/ogc/ogc.sql.js';
import { locateMicroGrid } from '../../server/units/units.sql.js';
import type { SamplePoint } from './sample-points.js';
import { median, percentile } from './statistics.js';

export interface OverheadFigure {
  query: 'locate' | 'list';
  scope: string;
  unscopedP95: number;
  scopedP95: number;
  unscopedP50: number;
  scopedP50: number;
  /** Median over rounds of scoped p95 / unscoped p95, minus 1. */
  addedP95: number;
}

export async function measureScopeOverhead(db: Database, points: SamplePoint[], rounds: number): Promise<OverheadFigure[]> {
  const microGrids = findCollection('micro_grids')!;
  const queries = {
    locate: (p: SamplePoint) => ({ statement: locateMicroGrid, params: [p.lon, p.lat] }),
    list: (p: SamplePoint) =>
      itemsQuery(microGrids, { bbox: { minLon: p.lon - 0.01, minLat: p.lat - 0.01, maxLon: p.lon + 0.01, maxLat: p.lat + 0.01 } } as ItemsFilter, {
        limit: 100,
        offset: 0,
      }),
  };
  const scopes: DataScope[] = [{ jurisdiction: 'city', accountId: null, role: 'dispatcher' }];
  const figures: OverheadFigure[] = [];
  for (const [name, make] of Object.entries(queries) as [OverheadFigure['query'], (typeof queries)['locate']][]) {
    for (const scope of scopes) {
      const perRound: { u50: number; u95: number; s50: number; s95: number }[] = [];
      const time = async (run: (p: SamplePoint) => Promise<unknown>) => {
        const samples: number[] = [];
        for (const p of points) {
          const started = performance.now();
          await run(p);
          samples.push(performance.now() - started);
        }
        return samples;
      };
      const unscoped = (p: SamplePoint) => {
        const q = make(p);
        return db.query(q.statement, q.params);
      };
      // What every route does (scopedDb(req).query): the scope set once per connection, kept while it matches.
      const scoped = (p: SamplePoint) => {
        const q = make(p);
        return db.queryInScope(scope, q.statement, q.params);
      };
      await time(unscoped);
      await time(scoped);
      for (let round = 0; round < rounds; round++) {
        let u: number[];
        let s: number[];
        if (round % 2 === 0) {
          u = await time(unscoped);
          s = await time(scoped);
        } else {
          s = await time(scoped);
          u = await time(unscoped);
        }
        perRound.push({ u50: percentile(u, 50), u95: percentile(u, 95), s50: percentile(s, 50), s95: percentile(s, 95) });
      }
      figures.push({
        query: name,
        scope: scope.jurisdiction,
        unscopedP50: median(perRound.map((r) => r.u50)),
        unscopedP95: median(perRound.map((r) => r.u95)),
        scopedP50: median(perRound.map((r) => r.s50)),
        scopedP95: median(perRound.map((r) => r.s95)),
        addedP95: median(perRound.map((r) => r.s95 / r.u95 - 1)),
      });
    }
  }
  return figures;
}
