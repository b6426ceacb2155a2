/**
 * The contract (server/contract/api-route.ts) of the public health routes (issue 24): the status page
 * (health.route.ts) and the load balancer's probes (readiness.route.ts). No Node-only imports.
 * A probe that is not ready answers 503 with the common error body: code `draining`, `database_unreachable` or
 * `migrations_pending` (details.pending: the versions not applied yet).
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../contract/api-route.js';

const databaseModeSchema = z.enum(['embedded', 'postgres']);
const count = z.number().int().min(0);

export const healthRoute = apiRoute({
  method: 'get',
  path: '/api/health',
  summary: 'Status page: database mode and versions, capabilities, seed facts, inventory counts per level and layer',
  tag: 'health',
  access: 'public',
  answer: z.strictObject({
    status: z.literal('ok'),
    time: timestampSchema,
    database: z.strictObject({ mode: databaseModeSchema, postgres: z.string(), postgis: z.string(), geos: z.string() }),
    capabilities: z.strictObject({ asMvt: z.boolean(), coverageFunctions: z.boolean(), pgRouting: z.boolean(), spatialIndexesUnderRls: z.boolean() }),
    /** The seed's app_meta record (area, version, timings), null before a seed. */
    seed: z.record(z.string(), z.unknown()).nullable(),
    counts: z.strictObject({
      district: count,
      street: count,
      community: count,
      grid: count,
      micro_grid: count,
      workers: count,
      cameras: count,
      sensors: count,
      road_vertices: count,
      road_edges: count,
    }),
    /** When the counts were read (they are re-read in the background when older than 10 s). */
    countsReadAt: timestampSchema,
  }),
});

export const livenessRoute = apiRoute({
  method: 'get',
  path: '/api/health/live',
  summary: 'Liveness probe: the process answers (no database round trip)',
  tag: 'health',
  access: 'public',
  answer: z.strictObject({ status: z.literal('ok') }),
});

export const readinessRoute = apiRoute({
  method: 'get',
  path: '/api/health/ready',
  summary: 'Readiness probe: 200 when the database answers within 2 s and every migration is applied, else 503',
  tag: 'health',
  access: 'public',
  answer: z.strictObject({ status: z.literal('ready'), database: databaseModeSchema }),
  errors: { 503: ['draining', 'database_unreachable', 'migrations_pending'] },
});

export const HEALTH_ROUTES = [healthRoute, livenessRoute, readinessRoute] as const;
