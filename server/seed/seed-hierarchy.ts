/**
 * Generate streets, communities, grids and micro-grids that exactly tile their parents.
 * Real names and codes (National Bureau of Statistics) for streets and communities; generated
 * boundaries for every level below the district, sized by residential landuse. Counts are allocated
 * top-down (largest remainder) so the city gets exactly TOTAL_MICRO_GRIDS and about TOTAL_GRIDS, and the
 * Xianlin subset gets the very same units as the full seed.
 */
import { allocateByWeight } from './allocate-by-weight.js';
import { CommunityRecord, readCommunities, readStreets, shortCommunityName, StreetRecord } from './reference-data.js';
import { QIXIA_DISTRICT_CODE, SEED, SeedContext, XIANLIN_STREET_CODE } from './seed-context.js';
import {
  clearCells,
  insertUnitsFromCells,
  listCells,
  listLevel,
  markDedicatedGrids,
  partitionParents,
  partitionParentWithAnchor,
  rollUpHouseholds,
  updateMicroGridHouseholds,
  updateResidentialArea,
} from './seed-hierarchy.sql.js';

export const TOTAL_GRIDS = 12000;
export const TOTAL_MICRO_GRIDS = 41149;
/** A square metre of housing weighs this many square metres of anything else when sizing units. */
export const RESIDENTIAL_WEIGHT = 150;
const KEY = `seed:${SEED}`;

/**
 * 仙林街道 where it really is: east of Zijin Mountain, between the Nanjing–Shanghai railway and the
 * Huning expressway (about 118.90–118.98°E, 32.08–32.13°N). Intersected with Qixia district.
 */
export const XIANLIN_ANCHOR_WKT =
  'POLYGON((118.900 32.098,118.912 32.083,118.935 32.078,118.962 32.080,118.982 32.088,118.984 32.112,' +
  '118.972 32.128,118.948 32.134,118.922 32.131,118.904 32.120,118.900 32.098))';

interface LevelRow {
  code: string;
  parent_code: string | null;
  area_m2: number;
  residential_m2: number;
}
interface Targets {
  grids: Map<string, number>;
  micro: Map<string, number>;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const weightOf = (u: LevelRow) => u.area_m2 + RESIDENTIAL_WEIGHT * u.residential_m2;

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    map.set(k, [...(map.get(k) ?? []), item]);
  }
  return map;
}

/** Split each parent's grid and micro-grid targets among its children, by weight, with minimums. */
function allocateChildTargets(parents: LevelRow[], children: LevelRow[], targets: Targets, gridMinimum: (child: LevelRow) => number): void {
  const byParent = groupBy(children, (c) => c.parent_code ?? '');
  for (const parent of parents) {
    const kids = byParent.get(parent.code);
    if (!kids) continue;
    const grids = allocateByWeight(
      targets.grids.get(parent.code)!,
      kids.map((k) => ({ weight: weightOf(k), minimum: gridMinimum(k) })),
    );
    const micro = allocateByWeight(
      targets.micro.get(parent.code)!,
      kids.map((k, i) => ({ weight: weightOf(k), minimum: grids[i] })),
    );
    kids.forEach((k, i) => {
      targets.grids.set(k.code, grids[i]);
      targets.micro.set(k.code, micro[i]);
    });
  }
}

async function insertCells(
  ctx: SeedContext,
  level: 'street' | 'community' | 'grid' | 'micro_grid',
  depth: number,
  naming: (parentCode: string, ord: number) => { code: string; name: string; kind: string },
  expected?: number,
): Promise<void> {
  const cells = await ctx.db.query<{ parent_code: string; ord: number }>(listCells);
  if (expected !== undefined && cells.length !== expected) {
    throw new Error(`${level}: partition produced ${cells.length} cells where ${expected} were expected`);
  }
  const named = cells.map((c) => naming(c.parent_code, c.ord));
  await ctx.db.query(insertUnitsFromCells, [
    cells.map((c) => c.parent_code),
    cells.map((c) => c.ord),
    named.map((n) => n.code),
    named.map((n) => n.name),
    named.map((n) => n.kind),
    level,
    depth,
  ]);
  await ctx.db.query(clearCells);
  await ctx.db.query(updateResidentialArea, [level]);
  ctx.progress(`${level}: ${cells.length} units`);
}

/** Partition parents in batches so that progress shows; returns nothing, cells land in seed_cells. */
async function partitionInBatches(ctx: SeedContext, parents: { code: string; n: number }[], batchSize: number): Promise<void> {
  for (let i = 0; i < parents.length; i += batchSize) {
    const batch = parents.slice(i, i + batchSize);
    await ctx.db.query(partitionParents, [batch.map((p) => p.code), batch.map((p) => p.n), KEY, RESIDENTIAL_WEIGHT]);
    if (parents.length > batchSize) ctx.progress(`partitioned ${Math.min(i + batchSize, parents.length)}/${parents.length}`);
  }
}

async function seedStreets(ctx: SeedContext, districts: LevelRow[], streets: StreetRecord[]): Promise<void> {
  const byDistrict = groupBy(streets, (s) => s.districtCode);
  const naming = new Map<string, StreetRecord>();
  for (const district of districts) {
    const records = [...(byDistrict.get(district.code) ?? [])].sort((a, b) => a.code.localeCompare(b.code));
    if (district.code === QIXIA_DISTRICT_CODE) {
      const others = records.filter((r) => r.code !== XIANLIN_STREET_CODE);
      await ctx.db.query(partitionParentWithAnchor, [district.code, XIANLIN_ANCHOR_WKT, others.length, KEY, RESIDENTIAL_WEIGHT]);
      naming.set(
        `${district.code}:0`,
        records.find((r) => r.code === XIANLIN_STREET_CODE)!,
      );
      others.forEach((r, i) => naming.set(`${district.code}:${i + 1}`, r));
    } else {
      await ctx.db.query(partitionParents, [[district.code], [records.length], KEY, RESIDENTIAL_WEIGHT]);
      records.forEach((r, i) => naming.set(`${district.code}:${i + 1}`, r));
    }
  }
  await insertCells(
    ctx,
    'street',
    2,
    (parent, ord) => {
      const r = naming.get(`${parent}:${ord}`);
      if (!r) throw new Error(`street partition of ${parent} produced an unexpected cell ${ord}`);
      return { code: r.code, name: r.name, kind: r.kind };
    },
    naming.size,
  );
}

async function seedCommunities(ctx: SeedContext, streets: LevelRow[], communities: CommunityRecord[]): Promise<void> {
  const byStreet = groupBy(communities, (c) => c.streetCode);
  const sorted = (code: string) => [...(byStreet.get(code) ?? [])].sort((a, b) => a.code.localeCompare(b.code));
  await partitionInBatches(
    ctx,
    streets.map((s) => ({ code: s.code, n: sorted(s.code).length })),
    20,
  );
  await insertCells(
    ctx,
    'community',
    3,
    (parent, ord) => {
      const r = sorted(parent)[ord - 1];
      if (!r) throw new Error(`community partition of ${parent} produced an unexpected cell ${ord}`);
      return { code: r.code, name: r.name, kind: r.kind };
    },
    streets.reduce((n, s) => n + sorted(s.code).length, 0),
  );
}

export async function seedHierarchy(ctx: SeedContext): Promise<void> {
  const streets = readStreets(ctx.referenceDir);
  const communities = readCommunities(ctx.referenceDir);
  const communityNames = new Map(communities.map((c) => [c.code, shortCommunityName(c.name)]));
  const communitiesPerStreet = groupBy(communities, (c) => c.streetCode);
  const communitiesPerDistrict = groupBy(communities, (c) => c.districtCode);
  const inScope = (code: string) => ctx.area === 'nanjing' || XIANLIN_STREET_CODE.startsWith(code) || code.startsWith(XIANLIN_STREET_CODE);

  await ctx.db.query(updateResidentialArea, ['district']);
  const districts = await ctx.db.query<LevelRow>(listLevel, ['district']);
  const targets: Targets = { grids: new Map(), micro: new Map() };
  const city: LevelRow = { code: 'city', parent_code: null, area_m2: 0, residential_m2: 0 };
  targets.grids.set('city', TOTAL_GRIDS);
  targets.micro.set('city', TOTAL_MICRO_GRIDS);
  allocateChildTargets(
    [city],
    districts.map((d) => ({ ...d, parent_code: 'city' })),
    targets,
    (d) => communitiesPerDistrict.get(d.code)?.length ?? 1,
  );

  // Streets: every street of an in-scope district (the whole of Qixia for the subset, to size Xianlin).
  await seedStreets(
    ctx,
    districts.filter((d) => inScope(d.code)),
    streets,
  );
  const streetRows = await ctx.db.query<LevelRow>(listLevel, ['street']);
  allocateChildTargets(districts, streetRows, targets, (s) => communitiesPerStreet.get(s.code)?.length ?? 1);

  const scopedStreets = streetRows.filter((s) => inScope(s.code));
  await seedCommunities(ctx, scopedStreets, communities);
  const communityRows = await ctx.db.query<LevelRow>(listLevel, ['community']);
  allocateChildTargets(scopedStreets, communityRows, targets, () => 1);

  await partitionInBatches(
    ctx,
    communityRows.map((c) => ({ code: c.code, n: targets.grids.get(c.code)! })),
    100,
  );
  await insertCells(
    ctx,
    'grid',
    4,
    (parent, ord) => ({
      code: `${parent}${String(ord).padStart(3, '0')}`,
      name: `${communityNames.get(parent)}第${ord}网格`,
      kind: 'comprehensive_grid',
    }),
    sum(communityRows.map((c) => targets.grids.get(c.code)!)),
  );
  const gridRows = await ctx.db.query<LevelRow>(listLevel, ['grid']);
  allocateChildTargets(communityRows, gridRows, targets, () => 1);
  await ctx.db.query(markDedicatedGrids);

  const gridNames = new Map<string, string>();
  for (const g of gridRows) gridNames.set(g.code, `${communityNames.get(g.parent_code!)}第${Number(g.code.slice(-3))}网格`);
  await partitionInBatches(
    ctx,
    gridRows.map((g) => ({ code: g.code, n: targets.micro.get(g.code)! })),
    500,
  );
  await insertCells(
    ctx,
    'micro_grid',
    5,
    (parent, ord) => ({
      code: `${parent}${String(ord).padStart(3, '0')}`,
      name: `${gridNames.get(parent)}第${ord}微网格`,
      kind: 'micro_grid',
    }),
    sum(gridRows.map((g) => targets.micro.get(g.code)!)),
  );

  await ctx.db.query(updateMicroGridHouseholds);
  for (const level of ['grid', 'community', 'street', 'district']) await ctx.db.query(rollUpHouseholds, [level]);
}
