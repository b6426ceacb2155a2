/**
 * One API contract (issue 17): every route of server/contract/api-routes.ts answers what its schema says, on
 * both database modes, with real requests (tests/contract/contract-examples.ts); the application's routes and
 * the contract agree on paths and roles; the OpenAPI document is generated from the same schemas.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, mediaTypeMatches, type ApiRoute } from '../../server/contract/api-route.js';
import { API_ROUTES } from '../../server/contract/api-routes.js';
import { openApiPath } from '../../server/contract/openapi-document.js';
import { listApplicationRoutes } from '../access/list-routes.js';
import { testDatabaseModes } from '../support/test-database.js';
import { screenTokenHeaders, signIn } from '../support/test-auth.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { CONTRACT_EXAMPLES, exampleContext, type ContractExample } from './contract-examples.js';

const key = (route: Pick<ApiRoute, 'method' | 'path'>) => `${route.method.toUpperCase()} ${route.path}`;

/** An example's body and headers: JSON, a raw body of its media type, or a multipart form (fetch sets its boundary). */
function requestBody(example: ContractExample, auth: Record<string, string>): { headers: Record<string, string>; body?: BodyInit } {
  if (example.form) {
    const form = new FormData();
    for (const [name, value] of Object.entries(example.form)) {
      if (value === undefined) continue;
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, new Blob([new Uint8Array(value.bytes)], { type: value.type }), value.name);
    }
    return { headers: auth, body: form };
  }
  if (example.rawBody) {
    const { type, data } = example.rawBody;
    return { headers: { ...auth, 'content-type': type }, body: new Blob([typeof data === 'string' ? data : new Uint8Array(data)]) };
  }
  if (example.body === undefined) return { headers: auth };
  return { headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(example.body) };
}

describe('the API contract and the application', () => {
  const appRoutes = listApplicationRoutes().filter((r) => r.path.startsWith('/api/'));

  it('declares every route the application serves under /api, and no route it does not serve', () => {
    const declared = new Set(API_ROUTES.map(key));
    const served = new Set(appRoutes.map((r) => `${r.method} ${r.path}`));
    const missing = [...served].filter((k) => !declared.has(k));
    expect(missing, 'routes without a contract: declare them in the module’s *-contract.ts').toEqual([]);
    expect(
      [...declared].filter((k) => k.includes(' /api/') && !served.has(k)),
      'declared but not served',
    ).toEqual([]);
  });

  it('gives each declared route the roles its contract names', () => {
    for (const route of API_ROUTES) {
      const served = appRoutes.find((r) => `${r.method} ${r.path}` === key(route));
      expect(served, `${key(route)} is declared but not served`).toBeDefined();
      const roles = (a: readonly string[] | 'public' | undefined) => (a === 'public' ? 'public' : [...(a ?? [])].sort().join(','));
      expect(roles(served?.access), key(route)).toBe(roles(route.access));
    }
  });

  it('has a real example for every declared route', () => {
    expect(API_ROUTES.map(key).filter((k) => !CONTRACT_EXAMPLES[k])).toEqual([]);
    expect(Object.keys(CONTRACT_EXAMPLES).filter((k) => !API_ROUTES.some((r) => key(r) === k))).toEqual([]);
  });
});

describe.each(testDatabaseModes())('the API contract on %s', (mode) => {
  let server: TestServer;
  const sessions = new Map<string, Record<string, string>>();
  const headersFor = async (as: string) => {
    if (as === 'anonymous') return {};
    if (!sessions.has(as)) sessions.set(as, as === 'screen' ? await screenTokenHeaders(server.db) : await signIn(server.baseUrl, as));
    return sessions.get(as)!;
  };
  const freshSession = async (username: string) => {
    const as = `${username}#${sessions.size}`;
    sessions.set(as, await signIn(server.baseUrl, username));
    return as;
  };

  let uploadDir: string;

  beforeAll(async () => {
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-contract-uploads-'));
    server = await startTestServer(mode, { env: { UPLOAD_DIR: uploadDir } });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('answers every example as its route’s contract says', async () => {
    const ctx = await exampleContext(
      server.db,
      async (as, method, path, body, contentType) => {
        const res = await fetch(`${server.baseUrl}${path}`, {
          method,
          headers: { ...(await headersFor(as)), 'content-type': contentType ?? 'application/json' },
          body: body === undefined ? undefined : contentType ? String(body) : JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`${method} ${path} as ${as}: ${res.status} ${await res.text()}`);
        return res.json();
      },
      freshSession,
    );
    const failures: string[] = [];
    let checked = 0;
    for (const route of API_ROUTES) {
      const examples: ContractExample[] = await CONTRACT_EXAMPLES[key(route)](ctx);
      for (const example of examples) {
        const res = await fetch(`${server.baseUrl}${example.path}`, {
          method: route.method.toUpperCase(),
          ...requestBody(example, await headersFor(example.as)),
          redirect: 'manual',
        });
        const expected = example.status ?? route.status ?? 200;
        const label = `${key(route)} ${example.path} as ${example.as}`;
        checked += 1;
        if (res.status !== expected) {
          failures.push(`${label}: status ${res.status}, expected ${expected}: ${(await res.text()).slice(0, 300)}`);
          continue;
        }
        if (expected === 204 || expected === 302) continue;
        if (expected < 400 && route.produces) {
          const type = res.headers.get('content-type');
          if (!mediaTypeMatches(route.produces, type)) failures.push(`${label}: content type ${type}, expected ${route.produces}`);
          // A file is described, not checked; JSON of its own media type (application/geo+json) is checked below.
          if (!route.answer) {
            await res.arrayBuffer();
            continue;
          }
        }
        const body: unknown = await res.json();
        const schema = expected >= 400 ? apiErrorSchema : route.answer;
        const parsed = schema?.safeParse(body);
        if (parsed && !parsed.success) {
          failures.push(
            `${label}: ${parsed.error.issues
              .slice(0, 5)
              .map((i) => `${i.path.join('.')}: ${i.message}`)
              .join('; ')}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(API_ROUTES.length);
  });

  it('serves the OpenAPI document generated from the same contract', async () => {
    const res = await fetch(`${server.baseUrl}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/vnd.oai.openapi+json');
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters: { name: string; in: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(API_ROUTES.map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`).sort());
    // Path parameters are named as in the path, and every operation documents its errors.
    for (const [path, methods] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(methods)) {
        expect(
          op.parameters
            .filter((p) => p.in === 'path')
            .map((p) => p.name)
            .sort(),
        ).toEqual(names.sort());
        expect(Object.keys(op.responses)).toContain('500');
      }
    }
  });
});
