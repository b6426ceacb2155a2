/**
 * Generators of hostile requests for the property-based fuzz (hostile-requests-fuzz.spec.ts), with fast-check:
 * any route of the application (from its own router), path parameters, query strings and bodies drawn from
 * what attackers and careless clients send — malformed JSON, wrong types, huge strings, NUL, lone surrogates,
 * RTL and combining characters, SQL-ish text, out-of-range numbers, deep JSON, wrong content types, GeoJSON
 * edge cases (antimeridian, poles, whole globe, spikes, zero-area rings, 10,000 vertices) — under any
 * identity (anonymous, a bad credential, a missing CSRF token, every role, other jurisdictions).
 */
import fc from 'fast-check';
import type { DeclaredRoute } from './list-routes.js';
import { hostileGeometry as geometry } from './hostile-geometries.js';

export interface HostileRequest {
  method: string;
  /** Path and query, already percent-encoded as sent. */
  url: string;
  /** The route pattern the request was made for (for messages). */
  route: string;
  identity: string;
  contentType?: string;
  body?: string;
}

/** Text values that break naive code; raw (not encoded). */
const HOSTILE_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\u202Eevil\u202C',
  'e\u0301\u0301\u0301\u0301',
  '仙林街道',
  '玄武区',
  '🙂🏳️‍🌈',
  "' OR 1=1 --",
  '1; DROP TABLE units; --',
  '$1',
  '%',
  '%%',
  '_',
  '\\',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '-1e309',
  '1e-400',
  '0x10',
  '١٢٣',
  '9007199254740993',
  '2147483648',
  '-2147483649',
  '99999999999999999999999',
  '-1',
  '0',
  '1',
  '1.5',
  '118.92',
  '32.1',
  '181',
  '-91',
  '320113007',
  '320102',
  '320113007001001001',
  'W00000000000000000001',
  'micro_grids',
  'city',
  '2026-13-45',
  '2026-12-07T00:00:00Z',
  '1970-01-01',
  'x'.repeat(300),
];

/** Percent-encoded pieces that are not valid text: a lone surrogate in UTF-8 form, broken escapes, overlong NUL. */
const RAW_ENCODED = ['%ED%A0%80', '%zz', '%', '%C0%80', '%FF%FE', '%00', '%2e%2e%2f', '%E2%80%AE'];

const text = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ minLength: 500, maxLength: 3000, unit: 'grapheme' }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** One URL component: encoded text, or raw broken escapes. */
const component = fc.oneof(
  { weight: 5, arbitrary: text.map((t) => encodeURIComponent(t.replace(/[\uD800-\uDFFF]/g, '\uFFFD')).slice(0, 1500)) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_ENCODED) },
);

const QUERY_NAMES = [
  'q',
  'lon',
  'lat',
  'bbox',
  'limit',
  'offset',
  'from',
  'to',
  'period',
  'unit',
  'unitCode',
  'level',
  'scope',
  'status',
  'state',
  'category',
  'entityId',
  'entityType',
  'action',
  'z',
  'radius',
  'at',
  'since',
  'until',
  'format',
  'f',
  'crs',
  'bbox-crs',
  'datetime',
  'cursor',
  'page',
  'sort',
  'day',
  'date',
  'month',
  'kind',
  'grade',
  'source',
  'open',
  'jurisdiction_id',
  'service_request_id',
  'start_date',
  'end_date',
  'lang',
  'layer',
  'code',
  'metric',
  'days',
  'x',
  'y',
  '__proto__',
  'constructor',
];

const query = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_NAMES), component), { maxLength: 6 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}` : ''));

const PATH_VALUES = fc.oneof(
  { weight: 4, arbitrary: component },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1',
      '0',
      '-1',
      '999999999',
      '320113007',
      '320102',
      'micro_grids',
      'units',
      'districts,streets',
      '14',
      '13700',
      '6500',
      'C0001',
      'abc',
    ),
  },
);

// ---- bodies ------------------------------------------------------------------------------------------------

const BODY_FIELDS = [
  'category',
  'description',
  'lon',
  'lat',
  'geometry',
  'reason',
  'name',
  'username',
  'password',
  'displayName',
  'display_name',
  'role',
  'jurisdiction',
  'jurisdictionCode',
  'label',
  'state',
  'event',
  'type',
  'workerCode',
  'worker',
  'note',
  'grade',
  'address',
  'reporter',
  'service_code',
  'first_name',
  'edits',
  'title',
  'unitCode',
  'code',
  'duty',
  'status',
  'departmentCode',
  'deadline',
  'publicity',
  'public',
  'rules',
  'threshold',
  'token',
  'incidentId',
  'into',
  'summonsId',
  'at',
  'accuracy',
  'enabled',
  'comment',
  '__proto__',
  'constructor',
];

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, 181, -91, 0, -0, 2 ** 53 + 2)) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [118.9, 32.1], { lon: 118.9, lat: 32.1 }) },
  { weight: 1, arbitrary: geometry },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const jsonObject = fc.dictionary(fc.constantFrom(...BODY_FIELDS), value, { maxKeys: 8 }).map((o) => JSON.stringify(o));

const MALFORMED_JSON = [
  '',
  '{',
  '}',
  '{"a":',
  '[',
  'null',
  '[]',
  '"x"',
  '1',
  '{"a":1,}',
  "{'a':1}",
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  'NaN',
  '{"a":1e309}',
];

interface Body {
  contentType?: string;
  body?: string;
}

const body: fc.Arbitrary<Body> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Body>({}) },
  { weight: 6, arbitrary: jsonObject.map((b) => ({ contentType: 'application/json', body: b })) },
  { weight: 2, arbitrary: geometry.map((g) => ({ contentType: 'application/json', body: JSON.stringify({ geometry: g }) })) },
  { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((b) => ({ contentType: 'application/json', body: b })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) ?? 'null' })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1000, max: 20000 }).map((d) => ({ contentType: 'application/json', body: '['.repeat(d) + ']'.repeat(d) })),
  },
  { weight: 1, arbitrary: fc.constant<Body>({ contentType: 'application/json', body: JSON.stringify({ description: 'x'.repeat(300_000) }) }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/xml',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'multipart/form-data; boundary=zz',
          'multipart/form-data',
          'image/jpeg',
          'application/octet-stream',
        ),
        jsonObject,
      )
      .map(([contentType, b]) => ({ contentType, body: b })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...BODY_FIELDS), component), { maxLength: 6 })
      .map((pairs) => ({ contentType: 'application/x-www-form-urlencoded', body: pairs.map(([k, v]) => `${k}=${v}`).join('&') })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<Body>({
      contentType: 'multipart/form-data; boundary=b',
      body: '--b\r\nContent-Disposition: form-data; name="description"\r\n\r\nx\u0000y\r\n--b\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff\u00e0\r\n--b--\r\n',
    }),
  },
);

/** Substitute each :param of a route pattern (also `:id.json`, `:sequence.ts`). */
function fillPath(pattern: string, values: string[]): string {
  let i = 0;
  return pattern.replace(/:([A-Za-z]+)/g, () => values[i++ % values.length] || '1');
}

/** Requests over the given routes, under the given identities. */
export function hostileRequests(routes: readonly DeclaredRoute[], identities: readonly string[]): fc.Arbitrary<HostileRequest> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      params: fc.array(PATH_VALUES, { minLength: 2, maxLength: 2 }),
      query,
      body,
      identity: fc.constantFrom(...identities),
      // Sometimes the wrong method on a known path.
      otherMethod: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), { freq: 10 }),
    })
    .map(({ route, params, query: q, body: b, identity, otherMethod }) => {
      const method = otherMethod ?? route.method;
      const withBody = method !== 'GET' && method !== 'HEAD';
      return {
        method,
        // Under 8 KB: past Node's 16 KB header limit the HTTP parser answers 431 before the application sees it.
        url: `${fillPath(route.path, params)}${q}`.slice(0, 8000),
        route: `${route.method} ${route.path}`,
        identity,
        ...(withBody ? b : {}),
      };
    });
}
