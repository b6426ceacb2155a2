/**
 * QGIS itself (Debian's python3-qgis, headless) against the real server on the seeded Xianlin subset: the screen
 * token as HTTP Basic credentials, the micro-grids from the OGC API, last month's red and orange incidents of
 * 仙林街道, the per-street statistics, the console's basemap in its own style, a rendered map and a saved project
 * (scripts/qgis/gridops-qgis-project.py). Expected counts come from the database. One database mode: what QGIS
 * reads is the same HTTP on both (the OGC specs cover the modes).
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { screenTokenHeaders } from '../../tests/support/test-auth.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { defineSql } from '../db/database.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve('scripts/qgis/gridops-qgis-project.py');
const isCi = process.env.CI === 'true';
const probe = spawnSync(PYTHON, ['-c', 'import qgis.core'], { encoding: 'utf8', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' } });
const hasQgis = probe.status === 0;
if (!hasQgis && !isCi) console.warn('[ogc-qgis.spec] SKIPPED: install Debian python3-qgis (and qgis-providers)');

const countMicroGrids = defineSql('test.qgis_micro_grids', `SELECT count(*)::int AS n FROM units WHERE level = 'micro_grid'`);
/** Last calendar month's (Asia/Shanghai) red and orange incidents of 仙林街道: their numbers. */
const lastMonthRedOrange = defineSql(
  'test.qgis_red_orange',
  `SELECT number FROM incidents
    WHERE street_code = '320113007' AND grade IN ('red', 'orange')
      AND reported_at >= date_trunc('month', date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 day') AT TIME ZONE 'Asia/Shanghai'
      AND reported_at < date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
    ORDER BY number`,
);
const streetsWithMonth = defineSql(
  'test.qgis_stat_streets',
  `SELECT DISTINCT unit_code AS code FROM stats_daily d JOIN units u ON u.code = d.unit_code
    WHERE u.level = 'street' AND to_char(date_trunc('month', day), 'YYYY-MM') = $1 ORDER BY 1`,
);

interface QgisReport {
  qgisVersion: string;
  authStored: boolean;
  microGrids: { valid: boolean; crs: string; count: number; fields: string[]; firstCode: string | null };
  incidents: { valid: boolean; subsetAccepted: boolean; count: number; numbers: string[]; grades: string[]; month: string };
  statistics: { valid: boolean; count: number; streets: string[] };
  basemap: { valid: boolean; styleFetched: boolean; converted?: boolean; warnings?: number; rendererStyles?: number };
  render: { png: string; pixels: number; drawn: number; redIncidentPixels: number };
  project: { written: boolean; path: string; layers: string[] };
}

describe.skipIf(!hasQgis && !isCi)('QGIS (python3-qgis) opens GridOps', () => {
  let server: TestServer;
  let out: string;
  let report: QgisReport;
  let token: string;
  /** Headless, with an authentication database of its own (removed with the output directory). */
  const qgisEnv = () => ({ ...process.env, QT_QPA_PLATFORM: 'offscreen', QGIS_AUTH_DB_DIR_PATH: fs.mkdtempSync(path.join(out, 'auth-')) });

  beforeAll(async () => {
    if (!hasQgis) throw new Error(`python3-qgis is not installed: ${probe.stderr.trim()}`);
    server = await startTestServer(testDatabaseModes()[0]);
    token = (await screenTokenHeaders(server.db)).authorization.slice('Bearer '.length);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-qgis-'));
    const { stdout } = await run(PYTHON, [SCRIPT, server.baseUrl, token, out], { timeout: 150_000, maxBuffer: 10 * 1024 * 1024, env: qgisEnv() });
    report = JSON.parse(stdout.trim().split('\n').at(-1)!) as QgisReport;
  }, 240_000);
  afterAll(async () => {
    await server?.close();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('loads every micro-grid of the subset through the OGC API with the token as Basic credentials', async () => {
    expect(report.authStored).toBe(true);
    const [{ n }] = await server.db.query<{ n: number }>(countMicroGrids);
    expect(report.microGrids).toMatchObject({ valid: true, count: n });
    expect(report.microGrids.fields).toEqual(expect.arrayContaining(['code', 'name', 'households', 'generated']));
    expect(report.microGrids.crs).toMatch(/^EPSG:(4490|4326)$/);
  });

  it('filters last month’s red and orange incidents of one street to exactly the database’s', async () => {
    const expected = (await server.db.query<{ number: string }>(lastMonthRedOrange)).map((r) => r.number);
    expect(expected.length).toBeGreaterThan(0);
    expect(report.incidents).toMatchObject({ valid: true, subsetAccepted: true });
    expect(report.incidents.numbers).toEqual(expected);
    expect(report.incidents.grades.every((g) => g === 'red' || g === 'orange')).toBe(true);
  });

  it('reads the per-street statistics of that month', async () => {
    const streets = (await server.db.query<{ code: string }>(streetsWithMonth, [report.incidents.month])).map((r) => r.code);
    expect(report.statistics).toMatchObject({ valid: true, streets });
  });

  it('draws the console basemap in the console’s style and saves a project with every layer', async () => {
    expect(report.basemap).toMatchObject({ valid: true, styleFetched: true, converted: true });
    expect(report.basemap.rendererStyles).toBeGreaterThanOrEqual(4);
    // A map, not a blank page: the basemap paints the land everywhere, and the incidents show in their grade's red.
    expect(report.render.drawn / report.render.pixels).toBeGreaterThan(0.9);
    expect(report.render.redIncidentPixels).toBeGreaterThan(20);
    const { width, height } = await sharp(report.render.png).metadata();
    expect([width, height]).toEqual([800, 600]);
    expect(report.project.written).toBe(true);
    expect(report.project.layers).toHaveLength(4);
    const qgs = fs.readFileSync(report.project.path, 'utf8');
    expect(qgs).toContain("authcfg='gridops'");
    expect(qgs).toContain(`${server.baseUrl}/ogc`);
    expect(qgs).not.toContain(token);
  });

  it('opens the sample project in docs/qgis with every layer loaded', async () => {
    const sample = fs.readFileSync(path.resolve('docs/qgis/gridops.qgs'), 'utf8').replaceAll('http://127.0.0.1:8080', server.baseUrl);
    const copy = path.join(out, 'sample.qgs');
    fs.writeFileSync(copy, sample);
    const { stdout } = await run(PYTHON, [SCRIPT, '--open', copy, token], { timeout: 120_000, maxBuffer: 10 * 1024 * 1024, env: qgisEnv() });
    const opened = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      read: boolean;
      crs: string;
      layers: { name: string; valid: boolean; features: number | null }[];
    };
    expect(opened.read).toBe(true);
    expect(opened.crs).toBe('EPSG:4490');
    expect(opened.layers).toHaveLength(4);
    expect(opened.layers.every((l) => l.valid)).toBe(true);
    const [{ n }] = await server.db.query<{ n: number }>(countMicroGrids);
    expect(opened.layers.find((l) => l.name.startsWith('微网格'))?.features).toBe(n);
  });
});
