/**
 * Fuzz of every geometry-accepting endpoint: at least 1,000 malformed inputs each (wrong types, NaN,
 * 1e309, huge arrays, unclosed and self-intersecting rings, wrong winding, deep nesting, broken JSON):
 * zero 5xx responses, and every 4xx carries a stable code. Deterministic (seeded generator).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../server/simulator/simulator-random.js';
import { signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SQUARE = [
  [118.92, 32.1],
  [118.93, 32.1],
  [118.93, 32.11],
  [118.92, 32.11],
  [118.92, 32.1],
];

/** Raw request bodies (text), each malformed in its own way. */
function malformedBodies(count: number, seed: number): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)];
  const coordinate = () =>
    pick<unknown>([118.9 + rnd() * 0.1, 32.1 + rnd() * 0.05, 'x', null, true, [], {}, -999, 1e308, -1e308, 181, -91, 0.1, '118.9']);
  const ring = (n: number) => Array.from({ length: n }, () => [coordinate(), coordinate()]);
  const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
  const makers: (() => string)[] = [
    () => JSON.stringify({ geometry: pick<unknown>([null, 1, 'Polygon', [], true, {}]) }),
    () =>
      JSON.stringify({ geometry: { type: pick(['Point', 'LineString', 'polygon', 'GeometryCollection', 'Feature', '', 7]), coordinates: [SQUARE] } }),
    () => JSON.stringify({ geometry: { type: 'Polygon', coordinates: pick<unknown>([null, 1, 'x', [], [[]], [[[]]], {}]) } }),
    () => JSON.stringify({ geometry: { type: 'Polygon', coordinates: [ring(1 + Math.floor(rnd() * 6))] } }),
    () =>
      `{"geometry":{"type":"Polygon","coordinates":[[[118.9,32.1],[${pick(['NaN', 'Infinity', '-Infinity', '1e309', '-1e309', 'undefined'])},32.1],[118.95,32.12],[118.9,32.1]]]}}`,
    // Unclosed ring.
    () =>
      JSON.stringify({
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [118.92, 32.1],
              [118.93, 32.1],
              [118.93, 32.11],
              [118.92, 32.11 + rnd() * 0.01 + 0.001],
            ],
          ],
        },
      }),
    // Self-intersecting bow-tie, with jitter.
    () =>
      JSON.stringify({
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [118.92, 32.1],
              [118.93 + rnd() * 0.01, 32.11],
              [118.93, 32.1],
              [118.92, 32.11 + rnd() * 0.01],
              [118.92, 32.1],
            ],
          ],
        },
      }),
    // Too many vertices.
    () =>
      JSON.stringify({
        geometry: {
          type: 'Polygon',
          coordinates: [Array.from({ length: 10_050 }, (_, i) => [118.9 + (i % 100) * 1e-4, 32.1 + Math.floor(i / 100) * 1e-4])],
        },
      }),
    // A huge array (beyond the body limit).
    () => JSON.stringify({ geometry: { type: 'MultiPolygon', coordinates: Array.from({ length: 5000 }, () => [SQUARE]) } }),
    // Deep nesting.
    () => JSON.stringify({ geometry: { type: 'Polygon', coordinates: nested(50 + Math.floor(rnd() * 2000)) } }),
    () => '['.repeat(5000 + Math.floor(rnd() * 5000)),
    // Broken or wrong JSON.
    () => pick(['', '{', '{"geometry":', 'null', '[]', '"x"', '{"geometry":{"type":"Polygon","coordinates":[[[1,2]]]}', '\u0000']),
    // Extra or missing members.
    () => JSON.stringify({ geometry: { type: 'Polygon', coordinates: [SQUARE] }, extra: rnd() }),
    () => JSON.stringify({ geom: { type: 'Polygon', coordinates: [SQUARE] } }),
    // MultiPolygon with broken members.
    () => JSON.stringify({ geometry: { type: 'MultiPolygon', coordinates: [[SQUARE], [ring(2 + Math.floor(rnd() * 4))]] } }),
    // Degenerate: all positions equal or collinear (closed, no kinks found by the browser check).
    () =>
      JSON.stringify({
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [118.92, 32.1],
              [118.92, 32.1],
              [118.92, 32.1],
              [118.92, 32.1],
            ],
          ],
        },
      }),
    () =>
      JSON.stringify({
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [118.92, 32.1],
              [118.93, 32.1],
              [118.94, 32.1],
              [118.92, 32.1],
            ],
          ],
        },
      }),
    // A hole outside its shell; overlapping multipolygon parts.
    () =>
      JSON.stringify({
        geometry: {
          type: 'Polygon',
          coordinates: [
            SQUARE,
            [
              [118.95, 32.1],
              [118.96, 32.1],
              [118.96, 32.11],
              [118.95, 32.1],
            ],
          ],
        },
      }),
    () => JSON.stringify({ geometry: { type: 'MultiPolygon', coordinates: [[SQUARE], [SQUARE.map(([x, y]) => [x + 0.005, y + 0.005])]] } }),
  ];
  return Array.from({ length: count }, () => pick(makers)());
}

/** Valid inputs, including wrong (clockwise) winding, which RFC 7946 asks parsers to accept. */
const VALID = [
  JSON.stringify({ geometry: { type: 'Polygon', coordinates: [SQUARE] } }),
  JSON.stringify({ geometry: { type: 'Polygon', coordinates: [[...SQUARE].reverse()] } }),
  JSON.stringify({ geometry: { type: 'MultiPolygon', coordinates: [[SQUARE]] } }),
];

describe.each(testDatabaseModes())('geometry fuzz on %s', (mode) => {
  let server: TestServer;
  let headers: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer(mode);
    headers = { ...(await signIn(server.baseUrl, 'dispatcher.city')), 'content-type': 'application/json' };
  });
  afterAll(() => server.close());

  const post = (body: string) => fetch(`${server.baseUrl}/api/spatial/summary`, { method: 'POST', headers, body });

  it('answers 1,200 malformed inputs to POST /api/spatial/summary with 4xx and a code, never 5xx', { timeout: 180_000 }, async () => {
    const bodies = malformedBodies(1200, mode === 'embedded' ? 7 : 11);
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    for (const body of bodies) {
      const response = await post(body);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const answer = (await response.json().catch(() => ({}))) as { code?: string };
      if (response.status >= 500) serverErrors.push(body.slice(0, 200));
      else if (response.status !== 200) expect(answer.code, body.slice(0, 120)).toMatch(/^[a-z_]+$/);
    }
    expect(serverErrors).toEqual([]);
    // Nearly all are refused; the few that happen to be valid polygons are answered.
    const refused = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
    expect(refused).toBeGreaterThan(1100);
  });

  it('accepts valid polygons in either winding', async () => {
    const answers = await Promise.all(VALID.map(async (body) => (await post(body)).json()));
    for (const a of answers) expect(a.microGrids).toBeGreaterThan(0);
    expect(answers[0]).toEqual(answers[1]);
  });

  it('answers the whole globe, the poles, the antimeridian, spikes and a 10,000-vertex circle without a 5xx (issue 18)', async () => {
    const circle = (n: number, lon: number, lat: number, r: number) => {
      const ring = Array.from({ length: n - 1 }, (_, i) => [
        +(lon + r * Math.cos((2 * Math.PI * i) / (n - 1))).toFixed(6),
        +(lat + r * Math.sin((2 * Math.PI * i) / (n - 1))).toFixed(6),
      ]);
      return [...ring, ring[0]];
    };
    const cases: [string, number[][][], number[]][] = [
      [
        'whole globe',
        [
          [
            [-180, -90],
            [180, -90],
            [180, 90],
            [-180, 90],
            [-180, -90],
          ],
        ],
        [200],
      ],
      [
        'whole globe, clockwise',
        [
          [
            [-180, -90],
            [-180, 90],
            [180, 90],
            [180, -90],
            [-180, -90],
          ],
        ],
        [200],
      ],
      [
        'north polar cap',
        [
          [
            [-180, 80],
            [180, 80],
            [180, 90],
            [-180, 90],
            [-180, 80],
          ],
        ],
        [200],
      ],
      [
        'across the antimeridian',
        [
          [
            [179, 10],
            [-179, 10],
            [-179, 20],
            [179, 20],
            [179, 10],
          ],
        ],
        [200],
      ],
      [
        'a spike',
        [
          [
            [118.92, 32.1],
            [118.93, 32.1],
            [118.95, 32.105],
            [118.93, 32.1],
            [118.93, 32.11],
            [118.92, 32.1],
          ],
        ],
        [400],
      ],
      [
        'zero-area ring',
        [
          [
            [118.92, 32.1],
            [118.93, 32.1],
            [118.92, 32.1],
            [118.92, 32.1],
          ],
        ],
        [400],
      ],
      ['10,000 vertices over Xianlin', [circle(10_000, 118.93, 32.11, 0.02)], [200]],
    ];
    for (const [name, coordinates, expected] of cases) {
      const response = await post(JSON.stringify({ geometry: { type: 'Polygon', coordinates } }));
      const answer = (await response.json()) as { code?: string; microGrids?: number; areaM2?: number; vertices?: number };
      expect(expected, `${name}: ${response.status} ${JSON.stringify(answer).slice(0, 200)}`).toContain(response.status);
      if (name === 'whole globe') {
        // The seeded micro-grids are all inside; the area is the earth's (5.10e14 m²).
        expect(answer.microGrids).toBeGreaterThan(500);
        expect(answer.areaM2! / 5.1e14).toBeCloseTo(1, 2);
      }
      if (name.startsWith('10,000')) expect(answer.vertices).toBe(10_000);
    }
  });
});
