/** Every route declares who may call it (STYLE: anything undeclared is refused). */
import { describe, expect, it } from 'vitest';
import { listApplicationRoutes } from './list-routes.js';

describe('route declarations', () => {
  const routes = listApplicationRoutes();

  it('finds the routes of every module', () => {
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'GET /api/health',
      'POST /api/auth/login',
      'GET /api/locate',
      'GET /ogc/collections/:collectionId/items',
      'POST /api/accounts',
      'GET /api/audit/verify',
      'POST /api/spatial/summary',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it('has an access declaration first on every route', () => {
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
  });

  it('keeps public routes to the few that must be', () => {
    const publicRoutes = routes
      .filter((r) => r.access === 'public')
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(publicRoutes).toEqual(
      [
        'GET /api/health',
        // Probes of a load balancer (no data), and Prometheus metrics guarded in the route itself (loopback without a
        // proxy header, or METRICS_TOKEN): server/health/readiness.route.ts, server/metrics/metrics.route.ts.
        'GET /api/health/live',
        'GET /api/health/ready',
        'GET /metrics',
        'GET /ogc',
        'GET /ogc/api',
        'GET /ogc/conformance',
        'POST /api/auth/login',
        // The REST API's OpenAPI document, generated from the route contracts (no data).
        'GET /api/openapi.json',
        // The basemap layers without row-level security (water, land use, roads) for the citizens' report map.
        'GET /public/tiles/:layers/:z/:x/:y',
        // Video walls: the screen token's one-time exchange for the wall's cookie (rate-limited, audited), the page's
        // "who am I" (200 with null when signed out) and clearing the cookie (server/auth/screen-session.route.ts).
        'POST /api/auth/screen-session',
        'GET /api/auth/screen-session',
        'POST /api/auth/screen-session/end',
        // Open311: citizens' apps, public by the standard, rate-limited, no personal data out.
        'GET /open311/v2/services.json',
        'POST /open311/v2/requests.json',
        'GET /open311/v2/requests.json',
        'GET /open311/v2/requests/:id.json',
      ].sort(),
    );
  });

  it('never lets a screen token change anything', () => {
    const writable = routes.filter((r) => !['GET', 'HEAD'].includes(r.method) && Array.isArray(r.access));
    for (const r of writable) expect(r.access, `${r.method} ${r.path}`).not.toContain('screen');
  });
});
