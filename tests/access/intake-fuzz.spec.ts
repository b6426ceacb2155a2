/**
 * Fuzz of the location-accepting intake endpoints (the hotline API and Open311): 1,000 malformed inputs
 * each — wrong types, NaN, 1e309, huge and nested values, out-of-range and mis-ordered coordinates, broken
 * bodies — and not one 5xx; every refusal carries a stable code. Deterministic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../server/simulator/simulator-random.js';
import { signIn } from '../support/test-auth.js';
import { testDatabaseModes } from '../support/test-database.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

function malformedValues(rnd: () => number): unknown[] {
  return [
    null,
    true,
    '',
    'NaN',
    'Infinity',
    '1e309',
    -1e308,
    1e308,
    181,
    -91,
    0,
    [],
    {},
    [118.9, 32.1],
    { lon: 1 },
    'x'.repeat(3000),
    118.93 + rnd(),
    32.1 + rnd() * 0.05,
  ];
}

describe.each(testDatabaseModes())('intake fuzz on %s', (mode) => {
  let server: TestServer;
  let headers: Record<string, string>;
  beforeAll(async () => {
    // Past the rate limit every request would be a 429: let the fuzz reach the validation.
    server = await startTestServer(mode, { env: { OPEN311_RATE_LIMIT: '100000' } });
    headers = await signIn(server.baseUrl, 'dispatcher.city');
  });
  afterAll(() => server.close());

  const hammer = async (
    count: number,
    seed: number,
    make: (rnd: () => number) => { body: string | URLSearchParams; json: boolean },
    path: string,
    extra: Record<string, string>,
  ) => {
    const rnd = seededRandom(seed);
    const serverErrors: string[] = [];
    let refused = 0;
    for (let i = 0; i < count; i++) {
      const { body, json } = make(rnd);
      const response = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { ...extra, ...(json ? { 'content-type': 'application/json' } : {}) },
        body,
      });
      const text = await response.text();
      if (response.status >= 500) serverErrors.push(`${response.status} ${String(body).slice(0, 150)}`);
      else if (response.status >= 400) {
        refused++;
        expect(text, String(body).slice(0, 100)).toMatch(/"code":\s*("[a-z_]+"|4\d\d)/);
      }
    }
    return { serverErrors, refused };
  };

  it('answers 1,000 malformed hotline reports with 4xx, never 5xx', async () => {
    const { serverErrors, refused } = await hammer(
      1000,
      mode === 'embedded' ? 3 : 5,
      (rnd) => {
        const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
        const values = malformedValues(rnd);
        if (rnd() < 0.1) return { body: pick(['{', '[]', 'null', '{"lon":', '\u0000', '{"category":"dispute"}']), json: true };
        const body: Record<string, unknown> = {
          category: rnd() < 0.7 ? pick(['dispute', 'fire_safety', 'nope', 'DISPUTE', '']) : pick(values),
          description: rnd() < 0.8 ? '测试' : pick(values),
          lon: pick(values),
          lat: pick(values),
        };
        if (rnd() < 0.3) body.crs = pick(['gcj02', 'bd09', 'utm', 7, null]);
        if (rnd() < 0.2) body.grade = pick(['red', 'purple', 3]);
        if (rnd() < 0.2) body.reporter = pick([{ name: '张', phone: 'x'.repeat(50) }, 'me', { phone: 170 }, null]);
        if (rnd() < 0.1) body.extra = 1;
        return { body: JSON.stringify(body), json: true };
      },
      '/api/incidents',
      headers,
    );
    expect(serverErrors).toEqual([]);
    expect(refused).toBeGreaterThan(900);
  });

  it('answers 1,000 malformed Open311 requests with 4xx, never 5xx', async () => {
    const { serverErrors, refused } = await hammer(
      1000,
      mode === 'embedded' ? 13 : 17,
      (rnd) => {
        const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
        const values = malformedValues(rnd).map(String);
        const form = new URLSearchParams();
        if (rnd() < 0.8) form.set('service_code', pick(['dispute', 'environment', 'nope', '', 'x'.repeat(100)]));
        if (rnd() < 0.9) form.set('lat', pick(values));
        if (rnd() < 0.9) form.set('long', pick(values));
        if (rnd() < 0.8) form.set('description', pick(['井盖缺失', '', 'x'.repeat(3000)]));
        if (rnd() < 0.2) form.set('coordinate_system', pick(['gcj02', 'wgs', '']));
        if (rnd() < 0.2) form.set('jurisdiction_id', pick(['nanjing', 'beijing']));
        if (rnd() < 0.1) form.set('unknown_field', 'x');
        if (rnd() < 0.15) return { body: JSON.stringify(Object.fromEntries(form)), json: true };
        return { body: form, json: false };
      },
      '/open311/v2/requests.json',
      {},
    );
    expect(serverErrors).toEqual([]);
    expect(refused).toBeGreaterThan(800);
  });
});
