/**
 * OGC API – Features at full scale (issue 25): `npx tsx scripts/bench/measure-ogc.ts --data-dir DIR [--rounds N]`
 * on a seeded whole-city embedded directory, or with DATABASE_URL on a seeded PostgreSQL (bench.ts passes its own; by hand use a COPY of a seeded directory:
 * opening it applies migration 0025). The real server app listens on 127.0.0.1 on a free port; GDAL reads it
 * with a city-wide screen token, as an analyst's QGIS would.
 *
 *  1. `ogr2ogr` of every micro-grid to a GeoPackage with `-oo PAGE_SIZE=10000` (GDAL 3.6 does not read the
 *     page size from the API document; newer GDAL and QGIS do), and with GDAL's default 10 per page;
 *  2. baseline in the same run: a plain `ST_AsGeoJSON` export of the same rows (one query, written to a file);
 *  3. 仙林街道's micro-grids with `-where "street_code = '320113007'"` sent as CQL2, GDAL's default page size
 *     (the issue's 16.8 s case);
 *  4. an items page of 100: p50/p95 at offset 0, deep by the next link's cursor, deep by `offset`;
 *  5. CQL2 filters on indexed properties: micro-grids of one grid (`parent_code`, units_parent_idx) and a
 *     street's red and orange incidents of the last 30 days (incidents_street_reported_idx).
 * Prints a Markdown section for BENCHMARKS.md.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createApp } from '../../server/app.js';
import { systemClock } from '../../server/clock/clock.js';
import { loadConfig } from '../../server/config/load-config.js';
import { detectCapabilities } from '../../server/db/capabilities.js';
import { defineSql } from '../../server/db/database.js';
import { migrate } from '../../server/db/migrate.js';
import { openEmbeddedDatabase } from '../../server/db/pglite-driver.js';
import { openPostgresDatabase } from '../../server/db/pg-driver.js';
import { createLogger } from '../../server/logging/logger.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { readMachineInfo } from './machine-info.js';
import { median, percentile } from './statistics.js';

const run = promisify(execFile);
const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const XIANLIN = '320113007';

// The baseline: the same rows and properties as the micro_grids collection, as GeoJSON text, in one query.
const plainExport = defineSql(
  'bench.ogc.plain_export',
  `SELECT json_build_object('type', 'Feature', 'id', code, 'geometry', ST_AsGeoJSON(geom, 7)::json,
          'properties', json_build_object('code', code, 'name', name, 'households', households, 'population', population))::text AS f
     FROM units WHERE level = 'micro_grid' ORDER BY code`,
);
const counts = defineSql(
  'bench.ogc.counts',
  `SELECT (SELECT count(*)::int FROM units WHERE level = 'micro_grid') AS city,
          (SELECT count(*)::int FROM units WHERE level = 'micro_grid' AND street_code = '${XIANLIN}') AS xianlin,
          (SELECT count(*)::int FROM incidents) AS incidents`,
);
const deepKey = defineSql('bench.ogc.deep_key', `SELECT code FROM units WHERE level = 'micro_grid' ORDER BY code OFFSET $1 LIMIT 1`);
const gridSample = defineSql('bench.ogc.grid_sample', `SELECT code FROM units WHERE level = 'grid' ORDER BY md5(code) LIMIT $1`);
const streetSample = defineSql('bench.ogc.street_sample', `SELECT code FROM units WHERE level = 'street' ORDER BY md5(code) LIMIT $1`);
const lastReport = defineSql('bench.ogc.last_report', `SELECT max(reported_at) AS t FROM incidents`);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function main() {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dataDir = value('--data-dir');
  const samples = Number(value('--rounds') ?? 60);
  const url = loadConfig().databaseUrl;
  if (!dataDir && !url) throw new Error('--data-dir (a copy of a seeded embedded directory) or DATABASE_URL (a seeded PostgreSQL) is needed');
  const db = url ? await openPostgresDatabase({ url, poolSize: 4, statementTimeoutMs: 3_600_000 }) : await openEmbeddedDatabase({ dataDir });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-bench-ogc-'));
  const server = http.createServer();
  try {
    await migrate(db);
    const app = createApp({
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
      db,
      capabilities: await detectCapabilities(db),
      logger: createLogger('silent'),
      clock: systemClock,
    });
    server.on('request', app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = await screenTokenHeaders(db);
    const gdalAuth = ['--config', 'GDAL_HTTP_HEADERS', `Authorization: ${auth.authorization}`];
    const [n] = await db.query<{ city: number; xianlin: number; incidents: number }>(counts);

    const ogr2ogr = async (name: string, extra: string[]) => {
      const out = path.join(dir, `${name}.gpkg`);
      const t = await timed(() =>
        run('ogr2ogr', [...gdalAuth, ...extra, '-f', 'GPKG', out, `OAPIF:${base}/ogc`, 'micro_grids'], { timeout: 30 * 60_000 }),
      );
      const info = (await run('ogrinfo', ['-ro', '-so', out, 'micro_grids'])).stdout;
      const features = Number(/^Feature Count: (\d+)$/m.exec(info)?.[1]);
      return { ms: t.ms, features };
    };
    // The server's share: the whole city walked by following next links in pages of 10,000, as GDAL does.
    const walk = await timed(async () => {
      let url: string | undefined = `${base}/ogc/collections/micro_grids/items?limit=10000`;
      let bytes = 0;
      while (url) {
        const response: Response = await fetch(url, { headers: auth });
        const text: string = await response.text();
        bytes += text.length;
        url = (JSON.parse(text) as { links: Array<{ rel: string; href: string }> }).links.find((l) => l.rel === 'next')?.href;
      }
      return bytes;
    });
    // 1–3. Whole city with large pages, the plain export, Xianlin and the city with GDAL's default pages.
    const cityLarge = await ogr2ogr('city-large', ['-oo', 'PAGE_SIZE=10000']);
    const baseline = await timed(async () => {
      const rows = await db.query<{ f: string }>(plainExport);
      fs.writeFileSync(path.join(dir, 'plain.geojson'), `{"type":"FeatureCollection","features":[${rows.map((r) => r.f).join(',\n')}]}`);
      return rows.length;
    });
    const xianlin = await ogr2ogr('xianlin', ['-where', `street_code = '${XIANLIN}'`]);
    const cityDefault = await ogr2ogr('city-default', []);

    // 4. Items pages of 100.
    const page = async (query: string) => {
      const ms: number[] = [];
      for (let i = 0; i < samples + 5; i += 1) {
        const t = await timed(async () => {
          const response = await fetch(`${base}/ogc/collections/micro_grids/items?${query}`, { headers: auth });
          if (response.status !== 200) throw new Error(`items ${query}: ${response.status}`);
          return response.text();
        });
        if (i >= 5) ms.push(t.ms);
      }
      return { p50: median(ms), p95: percentile(ms, 95) };
    };
    const deepOffset = n.city - 200;
    const [key] = await db.query<{ code: string }>(deepKey, [deepOffset]);
    const cursor = Buffer.from(key.code, 'utf8').toString('base64url');
    const first = await page('limit=100');
    const deepCursor = await page(`limit=100&cursor=${cursor}`);
    const deepPlainOffset = await page(`limit=100&offset=${deepOffset}`);

    // 5. CQL2 filters on indexed properties.
    const grids = (await db.query<{ code: string }>(gridSample, [samples])).map((r) => r.code);
    const streets = (await db.query<{ code: string }>(streetSample, [samples])).map((r) => r.code);
    const [{ t: last }] = await db.query<{ t: Date }>(lastReport);
    const since = new Date(new Date(last).getTime() - 30 * 86_400_000).toISOString();
    const filtered = async (collection: string, filters: string[]) => {
      const ms: number[] = [];
      let matched = 0;
      for (const [i, filter] of [...filters.slice(0, 5), ...filters].entries()) {
        const t = await timed(async () => {
          const response = await fetch(`${base}/ogc/collections/${collection}/items?limit=100&filter=${encodeURIComponent(filter)}`, {
            headers: auth,
          });
          if (response.status !== 200) throw new Error(`${collection} ${filter}: ${response.status} ${await response.text()}`);
          return (await response.json()) as { numberMatched?: number };
        });
        if (i >= 5) {
          ms.push(t.ms);
          matched += t.value.numberMatched ?? 0;
        }
      }
      return { p50: median(ms), p95: percentile(ms, 95), meanMatched: matched / filters.length };
    };
    const byGrid = await filtered(
      'micro_grids',
      grids.map((g) => `parent_code = '${g}'`),
    );
    const byStreet = await filtered(
      'incidents',
      streets.map((s) => `street_code = '${s}' AND grade IN ('red','orange') AND reported_at >= TIMESTAMP('${since}')`),
    );

    const m = readMachineInfo(ROOT_DIR);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      [
        `## OGC API – Features (issue 25) (full scale, ${db.mode === 'postgres' ? 'PostgreSQL' : 'embedded database'})`,
        '',
        `${new Date().toISOString().slice(0, 16)}Z, ${m.cpuModel}, ${m.cores} cores shared with other work (load ${m.loadAverage}), commit ${m.commit}; ` +
          `${n.city} micro-grids (${n.xianlin} in 仙林街道), ${n.incidents} incidents; GDAL ${(await run('ogrinfo', ['--version'])).stdout.trim()}. ` +
          'The app runs in this process on 127.0.0.1; GDAL is a child process with a city-wide screen token.',
        '',
        '| measure | figure | target |',
        '|---|---|---|',
        `| \`ogr2ogr\` whole city → GeoPackage, \`-oo PAGE_SIZE=10000\` (${cityLarge.features} features) | ${s(cityLarge.ms)} | ≤ 20 s |`,
        `| the server's part: the city walked by next links in pages of 10,000 (${(walk.value / 1e6).toFixed(1)} MB of GeoJSON) | ${s(walk.ms)} | |`,
        `| baseline: plain \`ST_AsGeoJSON\` export of the same rows to a file (${baseline.value} rows) | ${s(baseline.ms)} (ogr2ogr ${(cityLarge.ms / baseline.ms).toFixed(1)}×) | |`,
        `| \`ogr2ogr\` whole city, GDAL 3.6's default 10 per page (${cityDefault.features} features, ${Math.ceil(cityDefault.features / 10)} requests) | ${s(cityDefault.ms)} | |`,
        `| \`ogr2ogr\` 仙林街道 \`-where "street_code = '${XIANLIN}'"\` → CQL2 on the server, default page size (${xianlin.features} features; issue: 16.8 s) | ${s(xianlin.ms)} | |`,
        `| items page of 100, offset 0 (with numberMatched) | p50 ${ms(first.p50)}, p95 ${ms(first.p95)} | p95 ≤ 30 ms |`,
        `| items page of 100 at feature ${deepOffset}, by the next link's cursor | p50 ${ms(deepCursor.p50)}, p95 ${ms(deepCursor.p95)} | p95 ≤ 30 ms |`,
        `| items page of 100 at feature ${deepOffset}, by \`offset\` | p50 ${ms(deepPlainOffset.p50)}, p95 ${ms(deepPlainOffset.p95)} | |`,
        `| CQL2 \`parent_code = …\` (units_parent_idx), ${grids.length} grids, ${byGrid.meanMatched.toFixed(0)} matches on average | p50 ${ms(byGrid.p50)}, p95 ${ms(byGrid.p95)} | p95 ≤ 30 ms |`,
        `| CQL2 a street's red/orange incidents of the last 30 days (incidents_street_reported_idx), ${streets.length} streets, ${byStreet.meanMatched.toFixed(1)} matches on average | p50 ${ms(byStreet.p50)}, p95 ${ms(byStreet.p95)} | p95 ≤ 30 ms |`,
        '',
        `Pages: ${samples} requests each after 5 warm-ups, one at a time over keep-alive HTTP; times include HTTP, JSON and the city-wide screen token's scope.`,
      ].join('\n'),
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
    await db.close();
  }
}

await main();
