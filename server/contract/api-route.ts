/**
 * One REST route's contract: method, path, who may call it, and zod schemas of its path parameters, query,
 * body and answer. A module declares its routes in `<module>-contract.ts` (no Node-only imports: the client
 * bundles or type-imports these files); its router validates requests with the same schemas, the OpenAPI
 * document (GET /api/openapi.json, server/contract/openapi-document.ts) is generated from them, the client's
 * types are inferred from them (client/api/api-types.ts), and tests/contract/api-contract.spec.ts checks real
 * answers against them on both database modes.
 *
 * Answer schemas are strict objects: a field the contract does not name (a reporter's phone, a password
 * hash) fails the contract test instead of reaching a client unnoticed.
 */
import { z } from 'zod';
import type { Role } from './incident-vocabulary.js';

export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  A extends z.ZodType = z.ZodType,
> {
  method: ApiMethod;
  /** Express-style path, e.g. /api/units/:code. */
  path: string;
  /** One line for the OpenAPI document. */
  summary: string;
  /** The module, as the OpenAPI tag. */
  tag: string;
  /** The roles allowed, or 'public' (no account). Row-level security still decides what each one sees. */
  access: readonly Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** The success status (200 unless said) and its answer; none for 204. */
  status?: 200 | 201 | 202 | 204 | 302;
  answer?: A;
  /**
   * The media type of a success answer that is not plain JSON (an HLS playlist, a video segment, a photo, a
   * GeoPackage): its body is described, not schema-checked — unless the route also has an `answer`, for JSON of
   * a media type of its own (application/geo+json). A trailing `*` matches any subtype (image/*).
   */
  produces?: string;
  /** The media type of a request body that is not JSON (a photo, a CSV file, a GeoPackage). */
  consumes?: string;
  /** Error codes this route answers with, beyond the common ones (401, 403, 429, 5xx). */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 429 | 502 | 503, readonly string[]>>;
}

/** Declare a route; its literal type keeps each schema's own type, for validation and inference. */
export function apiRoute<const R extends ApiRoute>(route: R): R {
  return route;
}

type Schema<R, K extends 'params' | 'query' | 'body' | 'answer'> = R extends { [k in K]?: infer S } ? (S extends z.ZodType ? S : never) : never;

/** What a route answers (after JSON): the client's type for it. */
export type AnswerOf<R> = z.output<Schema<R, 'answer'>>;
/** What a client may send as the body (before defaults are applied). */
export type BodyOf<R> = z.input<Schema<R, 'body'>>;
/** The query as the server sees it after validation. */
export type QueryOf<R> = z.output<Schema<R, 'query'>>;

/** Whether a Content-Type header is of a route's `produces` media type (image/* matches image/jpeg). */
export function mediaTypeMatches(produces: string, contentType: string | null): boolean {
  const actual = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const wanted = produces.toLowerCase();
  if (wanted === '*/*') return actual !== '';
  return wanted.endsWith('/*') ? actual.startsWith(wanted.slice(0, -1)) : actual === wanted;
}

/** The body of every error answer (server/errors/error-middleware.ts). */
export const apiErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Query-string helpers: values arrive as text. */
export const decimalText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[-+]?\d+(\.\d+)?$/, 'must be a decimal number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));
export const wholeNumberText = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(min).max(max));

/** The coordinate systems a point may be given in (converted to WGS84 on the server). */
export const INPUT_CRS = ['wgs84', 'gcj02', 'bd09'] as const;

/** ?lon=&lat=[&crs=] as the locate and what's-here routes read it. */
export const pointQuerySchema = z.strictObject({
  lon: decimalText(-180, 180),
  lat: decimalText(-90, 90),
  crs: z.enum(INPUT_CRS).default('wgs84'),
});

/** A point echoed back: what was asked, and the WGS84 point it became. */
export const pointEchoSchema = z.strictObject({
  input: z.strictObject({ lon: z.number(), lat: z.number(), crs: z.enum(INPUT_CRS) }),
  wgs84: z.strictObject({ lon: z.number(), lat: z.number() }),
});

/** A timestamp as it leaves the server (JSON of a Date or of timestamptz text). */
export const timestampSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/, 'a timestamp');

/** Unit levels, top to bottom. */
export const UNIT_LEVELS = ['district', 'street', 'community', 'grid', 'micro_grid'] as const;
export const unitLevelSchema = z.enum(UNIT_LEVELS);
